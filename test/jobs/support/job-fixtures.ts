import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, afterEach, inject } from 'vitest';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/servers.js';
import { deleteKeysWithPrefix } from '../../support/redis-keys.js';

/**
 * What the job tests share: a fresh PostgreSQL schema and Redis key prefix per test (named after
 * the run, dropped after the test), and admin connections to look behind the library's back.
 */
let counter = 0;
const schemas: string[] = [];
const prefixes: string[] = [];
const cleanups: Array<() => Promise<void>> = [];

export const admin = postgres(TEST_DATABASE_URL, { max: 2, onnotice: () => {} });
let database = 0;
let client: Redis | undefined;

/**
 * A test file that writes Redis data for a migration picks a database of its own (before its
 * tests run), so that no other file's writes and deletes resize the keyspace under its SCANs:
 * a resizing table may hand SCAN a key twice, which would make exact counts flaky.
 */
export function useRedisDatabase(db: number): void {
  database = db;
}

/** The test Redis, on this file's database. */
export function redisUrl(): string {
  const url = new URL(TEST_REDIS_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A client of this file's Redis database. */
export function redis(): Redis {
  if (!client) {
    client = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    client.on('error', () => {});
  }
  return client;
}

export function freshSchema(): string {
  const schema = `${inject('runPrefix')}_j${process.pid}_${++counter}`;
  schemas.push(schema);
  return schema;
}

export function freshPrefix(): string {
  const prefix = `${inject('runPrefix')}:j${process.pid}:${++counter}:`;
  prefixes.push(prefix);
  return prefix;
}

/** Runs after the test, before its schema and keys are dropped (close stores, stop processes). */
export function onCleanup(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

export function available(): boolean {
  return inject('postgresAvailable') && inject('redisAvailable');
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const schema of schemas.splice(0)) {
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
  for (const prefix of prefixes.splice(0)) await deleteKeysWithPrefix(redis(), prefix);
});

afterAll(async () => {
  client?.disconnect();
  await admin.end({ timeout: 1 });
});

export { TEST_DATABASE_URL, TEST_REDIS_URL };
