import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createStore, runFlusher, type ConversationStore } from '../../../src/index.js';
import { CacheKeys } from '../../../src/stores/hybrid/cache-keys.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/servers.js';
import { deleteKeysWithPrefix } from '../../support/redis-keys.js';

const available = inject('postgresAvailable') && inject('redisAvailable');

/**
 * An upgrade from the release before the buckets (one stream `<prefix>flush-stream`, session keys
 * under `<prefix>{<user>}:`): what that release queued is still written to PostgreSQL.
 */
describe.skipIf(!available)('hybrid write-behind: upgrading from one flush stream', () => {
  const name = `${inject('runPrefix')}_upgrade_${process.pid}`;
  const prefix = `${name}:`;
  const options = {
    url: TEST_DATABASE_URL,
    schema: name,
    cache: { url: TEST_REDIS_URL, keyPrefix: prefix, writeMode: 'write-behind' as const },
  };
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  const redis = new Redis(TEST_REDIS_URL);
  let store: ConversationStore | undefined;

  afterAll(async () => {
    await store?.close();
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await sql.end();
    await deleteKeysWithPrefix(redis, `${name}:`);
    redis.disconnect();
  });

  it('drains the earlier release’s stream into PostgreSQL and leaves it empty', async () => {
    store = await createStore({
      ...options,
      migrate: true,
      cache: { ...options.cache, flusher: false },
    });
    const key = { userId: 'alice', sessionId: 'old' };
    await store.append({ ...key, messages: [{ role: 'user', content: 'flushed before' }] });
    expect(await store.capabilities.flush!()).toBe(1);

    // What the earlier release queued and had not flushed: an entry in its one stream, counted
    // on its session hash (under the keys of that layout).
    const [row] = await sql.unsafe<[{ created: string }]>(
      `SELECT (extract(epoch FROM created_at) * 1000000)::bigint::text AS created
        FROM "${name}".sessions WHERE user_id = 'alice' AND session_id = 'old'`,
    );
    const legacy = new CacheKeys(prefix).legacyStream();
    const [legacyMeta] = legacy.sessionKeys('alice', 'old');
    await redis.hset(legacyMeta, 'c', row.created, 'l', '2', 'n', '2', 'p', '1');
    const now = String(Date.now() * 1000);
    const item = JSON.stringify({
      seq: 2,
      messageId: 'queued-by-the-old-release',
      createdAt: Date.now(),
      role: 'assistant',
      content: 'queued before the upgrade',
      metadata: {},
    });
    const entry = { agentId: null, createdAt: row.created, updatedAt: now, expiresAt: null };
    await redis.xadd(
      legacy.key,
      '*',
      'v',
      '2',
      'u',
      'alice',
      's',
      'old',
      'd',
      JSON.stringify({ ...entry, messages: [item] }),
    );

    const report = await runFlusher({ ...options, once: true, log: () => {} });
    expect(report.flushed).toBe(1);
    expect(await redis.xlen(legacy.key)).toBe(0);
    expect(await redis.hexists(legacyMeta, 'p')).toBe(0);
    const rows = await sql.unsafe<Array<{ seq: string; content: string }>>(
      `SELECT seq, content FROM "${name}".messages WHERE user_id = 'alice' ORDER BY seq`,
    );
    expect(rows.map((m) => [Number(m.seq), m.content])).toEqual([
      [1, 'flushed before'],
      [2, 'queued before the upgrade'],
    ]);
  });
});
