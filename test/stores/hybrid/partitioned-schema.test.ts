import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createStore, type StoreOptions } from '../../../src/index.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/servers.js';
import { deleteKeysWithPrefix } from '../../support/redis-keys.js';

const available = inject('postgresAvailable') && inject('redisAvailable');

/**
 * The hybrid's PostgreSQL side on a schema created with `partitions`: write-behind flushes into
 * the partitioned tables, and its cleanup (cleanup-delete.sql, which deletes by row id) reclaims
 * only the expired sessions, though every partition numbers its rows from (0,1).
 */
describe.skipIf(!available)('hybrid write-behind on a partitioned schema', () => {
  const prefix = `${inject('runPrefix')}_hybpart_${process.pid}`;
  const schemas: string[] = [];
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  const redis = new Redis(TEST_REDIS_URL);

  function optionsFor(schema: string): StoreOptions {
    schemas.push(schema);
    return {
      url: TEST_DATABASE_URL,
      schema,
      migrate: true,
      partitions: 4,
      ttlSeconds: 3600,
      cache: { url: TEST_REDIS_URL, keyPrefix: `${schema}:`, writeMode: 'write-behind' },
    };
  }

  afterAll(async () => {
    for (const schema of schemas) {
      await deleteKeys(schema);
      await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
    await sql.end({ timeout: 1 });
    redis.disconnect();
  });

  const deleteKeys = (schema: string) => deleteKeysWithPrefix(redis, `${schema}:`);

  it('flushes appends into the partitions', async () => {
    const options = optionsFor(`${prefix}_flush`);
    const store = await createStore(options);
    for (let i = 0; i < 8; i++) {
      await store.append({
        userId: `user${i}`,
        sessionId: 's',
        messages: [{ role: 'user', content: 'hi' }],
      });
    }
    await store.capabilities.flush!();
    await store.close();
    const [placed] = await sql.unsafe<{ parts: number; rows: number }[]>(
      `SELECT count(DISTINCT tableoid)::int AS parts, count(*)::int AS rows
         FROM "${options.schema}".messages`,
    );
    expect(placed).toEqual({ parts: expect.any(Number), rows: 8 });
    expect(placed!.parts).toBeGreaterThan(1);
  });

  it('cleanup reclaims only the expired session when row ids coincide across partitions', async () => {
    const options = optionsFor(`${prefix}_cleanup`);
    const schema = options.schema!;
    await (await createStore(options)).close();
    // One user per partition, each session the partition's first row: all at row id (0,1).
    const users = (
      await sql.unsafe<{ user_id: string }[]>(
        `SELECT DISTINCT ON (r) 'user' || g AS user_id
           FROM generate_series(1, 100) g, generate_series(0, 3) r
          WHERE satisfies_hash_partition($1::regclass, 4, r, 'user' || g)
          ORDER BY r, g`,
        [`"${schema}".sessions`],
      )
    ).map((row) => row.user_id);
    expect(users).toHaveLength(4);
    await sql.unsafe(`INSERT INTO "${schema}".users SELECT unnest($1::text[])`, [users]);
    await sql.unsafe(
      `INSERT INTO "${schema}".sessions (user_id, session_id, expires_at)
       SELECT u, 's', CASE WHEN u = $2 THEN now() - interval '1 minute'
                           ELSE now() + interval '1 hour' END
         FROM unnest($1::text[]) AS u`,
      [users, users[0]!],
    );
    const ctids = await sql.unsafe<{ ctid: string }[]>(
      `SELECT DISTINCT ctid::text FROM "${schema}".sessions`,
    );
    expect(ctids.map((row) => row.ctid)).toEqual(['(0,1)']);

    const store = await createStore(options);
    expect(await store.cleanupExpired()).toEqual({ sessions: 1, messages: 0 });
    await store.close();
    const left = await sql.unsafe<{ user_id: string }[]>(
      `SELECT user_id FROM "${schema}".sessions ORDER BY user_id`,
    );
    expect(left.map((row) => row.user_id)).toEqual(users.slice(1).sort());
  });
});
