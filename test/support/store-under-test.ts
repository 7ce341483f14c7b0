import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, afterEach, describe, inject } from 'vitest';
import { Redis, Cluster } from 'ioredis';
import {
  createStore,
  pgliteExtensions,
  type ConversationStore,
  type StoreOptions,
} from '../../src/index.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './servers.js';
import { startHttpStoreService } from './http-store-service.js';
import { isStoreName, type StoreName } from './store-names.js';
import { deleteKeysWithPrefix } from './redis-keys.js';

/** The store the contract suite runs against, chosen by CONVSTORE_TEST_STORE. */
export const STORE_UNDER_TEST: StoreName = storeUnderTest(process.env.CONVSTORE_TEST_STORE);

function storeUnderTest(name: string | undefined): StoreName {
  if (name === undefined) return 'pglite';
  if (!isStoreName(name))
    throw new Error(`CONVSTORE_TEST_STORE=${name} is not a store of the suite`);
  return name;
}

/** Options a contract test may set; the harness supplies url, schema and key prefix. */
export type TestStoreOptions = Omit<
  StoreOptions,
  'url' | 'schema' | 'pglite' | 'migrate' | 'keyPrefix' | 'cache'
>;

/** Partitions of the postgres-partitioned store: enough that a test's users spread over several. */
const PARTITIONS_UNDER_TEST = 4;

let counter = 0;
let sharedPglite: Promise<PGlite> | undefined;
const opened: Array<{
  store: ConversationStore;
  schema: string;
  keyPrefix: string;
  closeService?: () => Promise<void>;
}> = [];

const usesPostgres =
  STORE_UNDER_TEST.startsWith('postgres') ||
  STORE_UNDER_TEST.startsWith('hybrid') ||
  STORE_UNDER_TEST === 'http';
const usesRedis = STORE_UNDER_TEST.startsWith('redis') || STORE_UNDER_TEST.startsWith('hybrid');

/** The stores whose project starts a Redis Cluster of its own (test/support/redis-cluster-setup.ts). */
const onCluster = STORE_UNDER_TEST.includes('cluster');

/** The Redis the store under test talks to: the shared one, or the cluster its project started. */
function redisUrl(): string {
  return onCluster ? inject('redisClusterUrl') : TEST_REDIS_URL;
}

/**
 * Opens the store under test in a schema of its own (dropped after the test). PGlite is created
 * once per test file, because creating one costs seconds; each test still gets a fresh schema.
 */
export async function openStore(options: TestStoreOptions = {}): Promise<ConversationStore> {
  const schema = `${inject('runPrefix')}_${process.pid}_${++counter}`;
  const keyPrefix = `${schema}:`;
  if (STORE_UNDER_TEST === 'http') {
    // The seventh store: the HTTP client, through a real service (on PostgreSQL) of its own.
    const service = await startHttpStoreService(schema, options);
    const store = await createStore({ ...options, ...service.clientOptions });
    opened.push({ store, schema, keyPrefix, closeService: service.close });
    return store;
  }
  const store = await createStore({ ...options, ...(await locateFor(schema, keyPrefix)) });
  opened.push({ store, schema, keyPrefix });
  return store;
}

/**
 * A second instance of a store opened by openStore, on the same schema / key prefix: what another
 * process of the same application would open. Not for the http store (one service per test).
 */
export async function openAnotherInstance(store: ConversationStore): Promise<ConversationStore> {
  const entry = opened.find((candidate) => candidate.store === store);
  if (!entry) throw new Error('openAnotherInstance: not a store opened by openStore');
  if (STORE_UNDER_TEST === 'http') throw new Error('openAnotherInstance: not for the http store');
  const another = await createStore(await locateFor(entry.schema, entry.keyPrefix));
  opened.push({ store: another, schema: entry.schema, keyPrefix: entry.keyPrefix });
  return another;
}

async function locateFor(schema: string, keyPrefix: string): Promise<StoreOptions> {
  switch (STORE_UNDER_TEST) {
    case 'pglite':
      return { schema, pglite: await pglite() };
    case 'postgres':
      return { schema, url: TEST_DATABASE_URL, migrate: true };
    case 'postgres-partitioned':
      // Sessions and messages hash-partitioned by user (the `partitions` option).
      return { schema, url: TEST_DATABASE_URL, migrate: true, partitions: PARTITIONS_UNDER_TEST };
    case 'redis':
    case 'redis-cluster':
      return { url: redisUrl(), keyPrefix };
    case 'http':
      throw new Error('the http store is opened by openStore');
    case 'hybrid-write-through':
    case 'hybrid-write-behind':
    case 'hybrid-cluster-write-through':
    case 'hybrid-cluster-write-behind':
      return {
        schema,
        url: TEST_DATABASE_URL,
        migrate: true,
        cache: {
          url: redisUrl(),
          keyPrefix,
          writeMode: STORE_UNDER_TEST.endsWith('write-behind') ? 'write-behind' : 'write-through',
          // On the cluster (a replica per master), every acknowledgement waits for a replica.
          ...(onCluster ? { waitReplicas: 1 } : {}),
        },
      };
  }
}

/** A describe block that runs only when the store's server answers (CI makes that mandatory). */
export function describeContract(name: string, body: () => void): void {
  const available =
    (!usesPostgres || inject('postgresAvailable')) &&
    (!usesRedis || inject('redisAvailable')) &&
    (!onCluster || inject('redisClusterUrl') !== '');
  describe.skipIf(!available)(`${name} [${STORE_UNDER_TEST}]`, body);
}

afterEach(async () => {
  const stores = opened.splice(0);
  for (const { store, schema, keyPrefix, closeService } of stores) {
    await store.close();
    await closeService?.();
    if (usesRedis) await deleteKeys(keyPrefix);
    if (STORE_UNDER_TEST === 'pglite' || usesPostgres) await dropSchema(schema);
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

/**
 * Rows of a table in the schema of a store opened by openStore, read directly (rows no API lists,
 * such as agents only named by sessions); null for the Redis stores, which have no tables.
 */
export async function countSqlRows(
  store: ConversationStore,
  table: string,
): Promise<number | null> {
  const entry = opened.find((candidate) => candidate.store === store);
  if (!entry) throw new Error('countSqlRows: not a store opened by openStore');
  const text = `SELECT count(*)::integer AS n FROM "${entry.schema}"."${table}"`;
  if (STORE_UNDER_TEST === 'pglite') {
    return (await (await pglite()).query<{ n: number }>(text)).rows[0]!.n;
  }
  if (!usesPostgres) return null;
  admin ??= postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  return (await admin.unsafe<{ n: number }[]>(text))[0]!.n;
}

let admin: postgres.Sql | undefined;

async function dropSchema(schema: string): Promise<void> {
  if (STORE_UNDER_TEST === 'pglite') {
    await (await pglite()).exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    return;
  }
  admin ??= postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

let redisAdmin: Redis | Cluster | undefined;

/** SCAN + DEL of everything under the test's key prefix, on every master of a cluster. */
async function deleteKeys(keyPrefix: string): Promise<void> {
  if (!redisAdmin) {
    const url = redisUrl();
    redisAdmin = url.startsWith('redis+cluster://')
      ? new Cluster(
          url
            .slice('redis+cluster://'.length)
            .split(',')
            .map((node) => ({ host: node.split(':')[0]!, port: Number(node.split(':')[1]) })),
        )
      : new Redis(url);
  }
  const nodes = redisAdmin instanceof Cluster ? redisAdmin.nodes('master') : [redisAdmin];
  for (const node of nodes) await deleteKeysWithPrefix(node, keyPrefix);
}
