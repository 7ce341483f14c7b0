import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, inject } from 'vitest';
import { createStore, type ConversationStore, type StoreOptions } from '../../../src/index.js';
import { TEST_DATABASE_URL } from '../../support/servers.js';

/**
 * The stores every adapter test runs on. Redis and hybrid join once they implement the
 * operations of the messages issue (update, truncate, pop, transactions, drafts).
 */
export const ADAPTER_STORES = ['pglite', 'postgres'] as const;
export type AdapterStoreName = (typeof ADAPTER_STORES)[number];

let counter = 0;
let sharedPglite: Promise<PGlite> | undefined;
const opened: Array<{ store: ConversationStore; name: AdapterStoreName; schema: string }> = [];

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
    const available = name === 'pglite' || inject('postgresAvailable');
    describe.skipIf(!available)(`${title} [${name}]`, () => {
      // Starting PGlite takes seconds (tens on a busy machine): once per file, before the tests.
      if (name === 'pglite') beforeAll(() => pglite().then(() => {}), 120_000);
      body(() => openStore(name), name);
    });
  }
}

export async function openStore(name: AdapterStoreName): Promise<ConversationStore> {
  const schema = `${inject('runPrefix')}_a${process.pid}_${++counter}`;
  const options: StoreOptions =
    name === 'pglite'
      ? { schema, pglite: await pglite() }
      : { schema, url: TEST_DATABASE_URL, migrate: true };
  const store = await createStore(options);
  opened.push({ store, name, schema });
  return store;
}

afterEach(async () => {
  for (const { store, name, schema } of opened.splice(0)) {
    await store.close();
    await dropSchema(name, schema);
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

async function dropSchema(name: AdapterStoreName, schema: string): Promise<void> {
  if (name === 'pglite') {
    await (await pglite()).exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    return;
  }
  admin ??= postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
