import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { Redis } from 'ioredis';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAvailable: boolean;
    redisAvailable: boolean;
    runPrefix: string;
  }
}

/**
 * Checks that the real servers answer before any test runs. Outside CI a missing server is
 * reported loudly and its suites are skipped; in CI (CI=true) it fails the run.
 */
export default async function setup(project: TestProject) {
  const runPrefix = `cs_t${Date.now().toString(36)}${process.pid.toString(36)}`;
  const postgresAvailable = await postgresAnswers(TEST_DATABASE_URL);
  const redisAvailable = await redisAnswers(TEST_REDIS_URL);
  if (!postgresAvailable) reportMissing(`PostgreSQL does not answer at ${TEST_DATABASE_URL}`);
  if (!redisAvailable) reportMissing(`Redis does not answer at ${TEST_REDIS_URL}`);
  project.provide('postgresAvailable', postgresAvailable);
  project.provide('redisAvailable', redisAvailable);
  project.provide('runPrefix', runPrefix);

  return async () => {
    if (postgresAvailable) await dropRunSchemas(runPrefix);
  };
}

function reportMissing(message: string): void {
  if (process.env.CI === 'true') throw new Error(`${message} (CI=true requires it)`);
  const bar = '!'.repeat(80);
  console.warn(`\n${bar}\n!! ${message}: the suites that need it are SKIPPED.\n${bar}\n`);
}

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function postgresAnswers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Whatever a crashed test left behind under this run's prefix. */
async function dropRunSchemas(runPrefix: string): Promise<void> {
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ nspname: string }[]>`
      SELECT nspname FROM pg_namespace WHERE nspname LIKE ${runPrefix + '%'}`;
    for (const { nspname } of rows) await sql.unsafe(`DROP SCHEMA "${nspname}" CASCADE`);
  } finally {
    await sql.end({ timeout: 1 });
  }
}
