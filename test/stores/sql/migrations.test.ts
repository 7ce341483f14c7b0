import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createStore, SchemaMismatchError } from '../../../src/index.js';
import { MIGRATIONS } from '../../../src/stores/sql/migrator.js';
import { TEST_DATABASE_URL } from '../../support/servers.js';

const admin = postgres(TEST_DATABASE_URL, { max: 2, onnotice: () => {} });
const schemas: string[] = [];
let counter = 0;

function freshSchema(): string {
  const schema = `${inject('runPrefix')}_mig_${process.pid}_${++counter}`;
  schemas.push(schema);
  return schema;
}

afterAll(async () => {
  for (const schema of schemas) await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end({ timeout: 1 });
});

describe.skipIf(!inject('postgresAvailable'))('migrations on PostgreSQL', () => {
  it('refuses to open an unmigrated schema when migrate is off, naming the fix', async () => {
    const schema = freshSchema();
    const opening = createStore({ url: TEST_DATABASE_URL, schema });
    await expect(opening).rejects.toBeInstanceOf(SchemaMismatchError);
    await expect(opening).rejects.toThrow(/convstore db migrate/);
  });

  it('applies every migration once, even when many processes start at the same time', async () => {
    const schema = freshSchema();
    const stores = await Promise.all(
      Array.from({ length: 5 }, () =>
        createStore({ url: TEST_DATABASE_URL, schema, migrate: true, poolSize: 1 }),
      ),
    );
    const rows = await admin.unsafe(`SELECT version FROM "${schema}".schema_migrations`);
    expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
    await Promise.all(stores.map((store) => store.close()));
    const reopened = await createStore({ url: TEST_DATABASE_URL, schema });
    await reopened.ping();
    await reopened.close();
  });

  it('refuses a database migrated by newer code', async () => {
    const schema = freshSchema();
    const store = await createStore({ url: TEST_DATABASE_URL, schema, migrate: true });
    await store.close();
    await admin.unsafe(
      `INSERT INTO "${schema}".schema_migrations (version, name) VALUES (9999, 'from_the_future')`,
    );
    await expect(createStore({ url: TEST_DATABASE_URL, schema, migrate: true })).rejects.toThrow(
      /newer than this convstore/,
    );
  });

  it('keeps two schemas of one database apart', async () => {
    const [a, b] = [freshSchema(), freshSchema()];
    const storeA = await createStore({ url: TEST_DATABASE_URL, schema: a, migrate: true });
    const storeB = await createStore({ url: TEST_DATABASE_URL, schema: b, migrate: true });
    const key = { userId: 'alice', sessionId: 's' };
    await storeA.append({ ...key, messages: [{ role: 'user', content: 'in a' }] });
    expect(await storeB.getSession(key)).toBeNull();
    await Promise.all([storeA.close(), storeB.close()]);
  });
});
