/** Where the real servers of this machine (and CI) answer; override with these variables. */
export const TEST_DATABASE_URL =
  process.env.CONVSTORE_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.CONVSTORE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
