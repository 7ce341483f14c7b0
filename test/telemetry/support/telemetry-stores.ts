import postgres from 'postgres';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import {
  createStore,
  type CacheOptions,
  type ConversationStore,
  type StoreOptions,
} from '../../../src/index.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/servers.js';
import { deleteKeysWithPrefix } from '../../support/redis-keys.js';

export const TELEMETRY_STORES = [
  'pglite',
  'postgres',
  'redis',
  'hybrid',
  'hybrid-write-behind',
] as const;
export type TelemetryStore = (typeof TELEMETRY_STORES)[number];

let counter = 0;
const cleanups: Array<() => Promise<void>> = [];

/** Whether the servers a store needs answer (in CI, global setup fails when they do not). */
export function available(kind: TelemetryStore): boolean {
  const postgresNeeded = kind !== 'pglite' && kind !== 'redis';
  const redisNeeded = kind === 'redis' || kind.startsWith('hybrid');
  return (
    (!postgresNeeded || inject('postgresAvailable')) && (!redisNeeded || inject('redisAvailable'))
  );
}

/** Opens a store of that kind in a schema / key prefix of its own, removed by cleanUp(). */
export async function openTelemetryStore(
  kind: TelemetryStore,
  extra: Partial<StoreOptions> = {},
  cacheExtra: Partial<CacheOptions> = {},
): Promise<ConversationStore> {
  const schema = `${inject('runPrefix')}_tel${process.pid}_${++counter}`;
  const keyPrefix = `${schema}:`;
  const options: StoreOptions =
    kind === 'pglite'
      ? { url: 'pglite://memory', schema }
      : kind === 'postgres'
        ? { url: TEST_DATABASE_URL, schema, migrate: true }
        : kind === 'redis'
          ? { url: TEST_REDIS_URL, keyPrefix }
          : {
              url: TEST_DATABASE_URL,
              schema,
              migrate: true,
              cache: {
                url: TEST_REDIS_URL,
                keyPrefix,
                writeMode: kind === 'hybrid' ? 'write-through' : 'write-behind',
                ...cacheExtra,
              },
            };
  const store = await createStore({ ...options, ...extra });
  cleanups.push(async () => {
    await store.close().catch(() => {});
    if (kind !== 'pglite' && kind !== 'redis') await dropSchema(schema);
    if (kind !== 'pglite' && kind !== 'postgres') await deleteKeys(extra.keyPrefix ?? keyPrefix);
  });
  return store;
}

export async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0)) await cleanup();
}

export async function dropSchema(schema: string): Promise<void> {
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function deleteKeys(keyPrefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    await deleteKeysWithPrefix(redis, keyPrefix);
  } finally {
    redis.disconnect();
  }
}
