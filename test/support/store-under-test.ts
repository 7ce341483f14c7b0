import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, afterEach, describe, inject } from 'vitest';
import { createStore, type ConversationStore, type StoreOptions } from '../../src/index.js';
import { TEST_DATABASE_URL } from './servers.js';

export type StoreName = 'pglite' | 'postgres';

/** The store the contract suite runs against, chosen by CONVSTORE_TEST_STORE. */
export const STORE_UNDER_TEST = (process.env.CONVSTORE_TEST_STORE ?? 'pglite') as StoreName;

/** Options a contract test may set; the harness supplies url, schema and key prefix. */
export type TestStoreOptions = Omit<StoreOptions, 'url' | 'schema' | 'pglite' | 'migrate'>;

let counter = 0;
let sharedPglite: Promise<PGlite> | undefined;
const opened: Array<{ store: ConversationStore; schema: string }> = [];

/**
 * Opens the store under test in a schema of its own (dropped after the test). PGlite is created
 * once per test file, because creating one costs seconds; each test still gets a fresh schema.
 */
export async function openStore(options: TestStoreOptions = {}): Promise<ConversationStore> {
  const schema = `${inject('runPrefix')}_${process.pid}_${++counter}`;
  const store =
    STORE_UNDER_TEST === 'pglite'
      ? await createStore({ ...options, schema, pglite: await pglite() })
      : await createStore({ ...options, schema, url: TEST_DATABASE_URL, migrate: true });
  opened.push({ store, schema });
  return store;
}

/** A describe block that runs only when the store's server answers (CI makes that mandatory). */
export function describeContract(name: string, body: () => void): void {
  const available = STORE_UNDER_TEST === 'pglite' || inject('postgresAvailable');
  describe.skipIf(!available)(`${name} [${STORE_UNDER_TEST}]`, body);
}

afterEach(async () => {
  const stores = opened.splice(0);
  for (const { store, schema } of stores) {
    await store.close();
    await dropSchema(schema);
  }
});

afterAll(async () => {
  if (sharedPglite) await (await sharedPglite).close();
  await admin?.end({ timeout: 1 });
});

function pglite(): Promise<PGlite> {
  sharedPglite ??= import('@electric-sql/pglite').then(({ PGlite }) => PGlite.create('memory://'));
  return sharedPglite;
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
