import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  createStore,
  pgliteExtensions,
  SchemaMismatchError,
  ValidationError,
} from '../../../src/index.js';
import { MIGRATIONS } from '../../../src/stores/sql/migrator.js';
import { renderMigration } from '../../../src/stores/sql/schema-layout.js';
import { TEST_DATABASE_URL } from '../../support/servers.js';

const admin = postgres(TEST_DATABASE_URL, { max: 2, onnotice: () => {} });
const schemas: string[] = [];
let counter = 0;

function freshSchema(): string {
  const schema = `${inject('runPrefix')}_part_${process.pid}_${++counter}`;
  schemas.push(schema);
  return schema;
}

afterAll(async () => {
  for (const schema of schemas) await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end({ timeout: 1 });
});

/**
 * The SHA-256 of every migration as it ran before partitioning existed (rendered in schema "s").
 * Unpartitioned, each must still render to exactly that: existing databases were migrated with
 * these texts, and a new unpartitioned one must get the same schema.
 */
const SHIPPED = {
  init: '0abddf186749c4ed201a7961457e8677224183f603c62d899515c41f736f1f97',
  service_auth: 'ad16c10b99fa35a0428cbaedf8ac0dad2ec9b9ce509988466579b30410bcb742',
  registered_agents: '7a821e858cfea3cb53224b31ed52351bc6f16b08879bd7bfcb4443a40dc56c9a',
  service_tables_moved: '681ec20a7f0ba2b67ca2d41e61631b07f3e37ba8e25b5cca334ffbfaaf4e7140',
  structured_messages: '62abb273eb8c4853fc138ce5aa84cc136ab0f280c1b81247abe60a2ce721dab7',
  retention_policy: 'd113e7da07e514912a20b900be8d48b5a8b74af22ad7ddccff60d6e55b08dc87',
  search: 'e2e3b667ace417ec614cc03672f35ad76c8998c40cf03f98bbcfdc014032d57f',
  usage: 'a4faee8180714120e85b0d536e686be39654121b967885ce03ac076fd70da14f',
};

describe('the partitions option', () => {
  it('leaves every shipped migration byte for byte as it was when unset', () => {
    const rendered = Object.fromEntries(
      MIGRATIONS.filter((m) => m.name in SHIPPED).map((m) => [
        m.name,
        createHash('sha256')
          .update(renderMigration(m.script, '"s"', {}))
          .digest('hex'),
      ]),
    );
    expect(rendered).toEqual(SHIPPED);
  });

  it.each([1, 0, 1025, 2.5])('refuses partitions: %s', async (partitions) => {
    await expect(createStore({ url: 'pglite://memory', partitions })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

describe.skipIf(!inject('postgresAvailable'))('partitioned schemas on PostgreSQL', () => {
  async function partitionsOf(schema: string, table: string): Promise<string[]> {
    const rows = await admin<{ name: string }[]>`
      SELECT c.relname AS name
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = to_regclass(${`"${schema}".${table}`})
       ORDER BY c.relname`;
    return rows.map((row) => row.name);
  }

  it('creates sessions and messages hash-partitioned by user, and keeps them so', async () => {
    const schema = freshSchema();
    const store = await createStore({
      url: TEST_DATABASE_URL,
      schema,
      migrate: true,
      partitions: 3,
    });
    const key = { userId: 'alice', sessionId: 's' };
    await store.append({ ...key, messages: [{ role: 'user', content: 'hello' }] });
    expect((await store.history(key)).map((m) => m.content)).toEqual(['hello']);
    await store.close();
    expect(await partitionsOf(schema, 'sessions')).toEqual([
      'sessions_p0',
      'sessions_p1',
      'sessions_p2',
    ]);
    expect(await partitionsOf(schema, 'messages')).toEqual([
      'messages_p0',
      'messages_p1',
      'messages_p2',
    ]);
    // A user's session and messages sit in partitions of the same number.
    const [placed] = await admin.unsafe<{ session: string; message: string }[]>(
      `SELECT (SELECT tableoid::regclass::text FROM "${schema}".sessions) AS session,
              (SELECT tableoid::regclass::text FROM "${schema}".messages) AS message`,
    );
    expect(placed!.session.replace('sessions', '')).toBe(placed!.message.replace('messages', ''));

    // Opened again without the option it opens as it is; with it, the same count opens.
    for (const options of [{}, { partitions: 3 }]) {
      const again = await createStore({ url: TEST_DATABASE_URL, schema, ...options });
      expect((await again.history(key)).length).toBe(1);
      await again.close();
    }
  });

  it('refuses another partition count, migrating or not', async () => {
    const schema = freshSchema();
    await (
      await createStore({ url: TEST_DATABASE_URL, schema, migrate: true, partitions: 4 })
    ).close();
    for (const migrate of [true, false]) {
      const opening = createStore({ url: TEST_DATABASE_URL, schema, migrate, partitions: 8 });
      await expect(opening).rejects.toBeInstanceOf(SchemaMismatchError);
      await expect(opening).rejects.toThrow(/has 4 partitions, but partitions: 8 was asked for/);
    }
  });

  // An existing user's database, migrated by an earlier release up to 0004: it migrates on as
  // before, unpartitioned, and asking for partitions on it is refused with the way to move.
  it('migrates an existing unpartitioned database on, and refuses partitions on it', async () => {
    const schema = freshSchema();
    await admin.unsafe(`CREATE SCHEMA "${schema}"`);
    await admin.unsafe(`CREATE TABLE "${schema}".schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    for (const migration of MIGRATIONS.filter((m) => m.version <= 4)) {
      await admin.unsafe(renderMigration(migration.script, `"${schema}"`, {}));
      await admin.unsafe(
        `INSERT INTO "${schema}".schema_migrations (version, name) VALUES ($1, $2)`,
        [migration.version, migration.name],
      );
    }
    const refused = createStore({ url: TEST_DATABASE_URL, schema, migrate: true, partitions: 4 });
    await expect(refused).rejects.toBeInstanceOf(SchemaMismatchError);
    await expect(refused).rejects.toThrow(/is not partitioned[\s\S]*convstore copy/);
    // Refused before anything was applied.
    const [before] = await admin.unsafe(
      `SELECT max(version) AS v FROM "${schema}".schema_migrations`,
    );
    expect(before!.v).toBe(4);

    const store = await createStore({ url: TEST_DATABASE_URL, schema, migrate: true });
    await store.append({ userId: 'u', sessionId: 's', messages: [{ role: 'user', content: 'x' }] });
    await store.close();
    const [after] = await admin.unsafe(
      `SELECT max(version) AS v FROM "${schema}".schema_migrations`,
    );
    expect(after!.v).toBe(MIGRATIONS.at(-1)!.version);
    expect(await partitionsOf(schema, 'messages')).toEqual([]);
  });

  // Each partition numbers its rows from (0,1): cleanup must delete the expired session of one
  // partition and not the live sessions of the others at the same row id.
  it('cleanup deletes only expired sessions when row ids coincide across partitions', async () => {
    const schema = freshSchema();
    const store = await createStore({
      url: TEST_DATABASE_URL,
      schema,
      migrate: true,
      partitions: 4,
    });
    const users = await oneUserPerPartition(schema, 4);
    await admin.unsafe(`INSERT INTO "${schema}".users SELECT unnest($1::text[])`, [users]);
    await admin.unsafe(
      `INSERT INTO "${schema}".sessions (user_id, session_id, expires_at)
       SELECT u, 's', CASE WHEN u = $2 THEN now() - interval '1 minute' ELSE now() + interval '1 hour' END
         FROM unnest($1::text[]) AS u`,
      [users, users[0]!],
    );
    const ctids = await admin.unsafe<{ ctid: string }[]>(
      `SELECT DISTINCT ctid::text FROM "${schema}".sessions`,
    );
    expect(ctids.map((row) => row.ctid)).toEqual(['(0,1)']);

    expect(await store.cleanupExpired()).toMatchObject({ sessions: 1 });
    const left = await admin.unsafe<{ user_id: string }[]>(
      `SELECT user_id FROM "${schema}".sessions ORDER BY user_id`,
    );
    expect(left.map((row) => row.user_id)).toEqual(users.slice(1).sort());
    await store.close();
  });

  async function oneUserPerPartition(schema: string, partitions: number): Promise<string[]> {
    const rows = await admin.unsafe<{ remainder: number; user_id: string }[]>(
      `SELECT DISTINCT ON (r) r AS remainder, 'user' || g AS user_id
         FROM generate_series(1, 100) g, generate_series(0, $1 - 1) r
        WHERE satisfies_hash_partition($2::regclass, $1, r, 'user' || g)
        ORDER BY r, g`,
      [partitions, `"${schema}".sessions`],
    );
    expect(rows.length).toBe(partitions);
    return rows.map((row) => row.user_id);
  }
});

// PGlite is PostgreSQL 17 (the server here is 15): the same migrations, partitioned.
describe('a partitioned schema on PGlite', () => {
  it('migrates, stores, reads and cleans up', async () => {
    const pglite = await PGlite.create('memory://', { extensions: await pgliteExtensions() });
    try {
      const store = await createStore({ pglite, schema: 'parted', partitions: 4, ttlSeconds: 60 });
      const key = { userId: 'alice', sessionId: 's' };
      await store.append({ ...key, messages: [{ role: 'user', content: 'ação' }] });
      expect((await store.search({ userId: 'alice', query: 'acao' })).hits).toHaveLength(1);
      expect((await store.listSessions({ userId: 'alice' })).sessions).toHaveLength(1);
      await pglite.exec(`UPDATE parted.sessions SET expires_at = now() - interval '1 s'`);
      expect(await store.cleanupExpired()).toMatchObject({ sessions: 1, messages: 1 });
      await store.close();
      const { rows } = await pglite.query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM pg_inherits WHERE inhparent = 'parted.messages'::regclass`,
      );
      expect(rows[0]!.n).toBe(4);
      await expect(createStore({ pglite, schema: 'parted', partitions: 2 })).rejects.toBeInstanceOf(
        SchemaMismatchError,
      );
    } finally {
      await pglite.close();
    }
  });
});
