import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, inject } from 'vitest';
import {
  createStore,
  pgliteExtensions,
  type ConversationStore,
  type StoreOptions,
} from '../../../src/index.js';
import { startHttpStoreService } from '../../support/http-store-service.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/servers.js';
import { deleteKeysWithPrefix } from '../../support/redis-keys.js';

/**
 * The stores every adapter test runs on: each store, and the HTTP client through a real service.
 */
export const ADAPTER_STORES = ['pglite', 'postgres', 'redis', 'hybrid', 'http'] as const;
export type AdapterStoreName = (typeof ADAPTER_STORES)[number];

let counter = 0;
let sharedPglite: Promise<PGlite> | undefined;
const opened: Array<{
  store: ConversationStore;
  name: AdapterStoreName;
  schema: string;
  closeService?: () => Promise<void>;
}> = [];

/**
 * One describe block per store; `open()` gives a store in a schema of its own, dropped after
 * the test. A store whose server does not answer is skipped outside CI (the global setup makes
 * that a failure in CI).
 */
export function describeStores(
  title: string,
  body: (open: () => Promise<ConversationStore>, name: AdapterStoreName) => void,
): void {
  for (const name of ADAPTER_STORES) {
    const available =
      name === 'pglite' ||
      ((name === 'redis' ? inject('redisAvailable') : inject('postgresAvailable')) &&
        (name !== 'hybrid' || inject('redisAvailable')));
    describe.skipIf(!available)(`${title} [${name}]`, () => {
      // Starting PGlite takes seconds (tens on a busy machine): once per file, before the tests.
      if (name === 'pglite') beforeAll(() => pglite().then(() => {}), 120_000);
      body(() => openStore(name), name);
    });
  }
}

export async function openStore(name: AdapterStoreName): Promise<ConversationStore> {
  const schema = `${inject('runPrefix')}_a${process.pid}_${++counter}`;
  if (name === 'http') {
    const service = await startHttpStoreService(schema, {});
    const store = await createStore(service.clientOptions);
    opened.push({ store, name, schema, closeService: service.close });
    return store;
  }
  const options: StoreOptions =
    name === 'pglite'
      ? { schema, pglite: await pglite() }
      : name === 'redis'
        ? { url: TEST_REDIS_URL, keyPrefix: `${schema}:` }
        : name === 'hybrid'
          ? {
              schema,
              url: TEST_DATABASE_URL,
              migrate: true,
              cache: { url: TEST_REDIS_URL, keyPrefix: `${schema}:` },
            }
          : { schema, url: TEST_DATABASE_URL, migrate: true };
  const store = await createStore(options);
  opened.push({ store, name, schema });
  return store;
}

afterEach(async () => {
  for (const { store, name, schema, closeService } of opened.splice(0)) {
    await store.close();
    await closeService?.();
    if (name === 'redis' || name === 'hybrid') await deleteKeys(`${schema}:`);
    if (name !== 'redis') await dropSchema(name, schema);
  }
});

afterAll(async () => {
  if (sharedPglite) await (await sharedPglite).close();
  await admin?.end({ timeout: 1 });
  redisAdmin?.disconnect();
});

function pglite(): Promise<PGlite> {
  sharedPglite ??= import('@electric-sql/pglite').then(async ({ PGlite }) =>
    PGlite.create('memory://', { extensions: await pgliteExtensions() }),
  );
  return sharedPglite;
}

let admin: postgres.Sql | undefined;

let redisAdmin: Redis | undefined;

/** SCAN + DEL of the test's own key prefix (never anything else of the shared Redis). */
async function deleteKeys(prefix: string): Promise<void> {
  redisAdmin ??= new Redis(TEST_REDIS_URL);
  await deleteKeysWithPrefix(redisAdmin, prefix);
}

async function dropSchema(name: AdapterStoreName, schema: string): Promise<void> {
  if (name === 'pglite') {
    await (await pglite()).exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    return;
  }
  admin ??= postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
