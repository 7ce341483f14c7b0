import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createStore, type ConversationStore } from '../../../src/index.js';
import { CacheKeys } from '../../../src/stores/hybrid/cache-keys.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/servers.js';
import { deleteKeysWithPrefix } from '../../support/redis-keys.js';

const available = inject('postgresAvailable') && inject('redisAvailable');

describe.skipIf(!available)('hybrid write-behind: unflushed sessions stay in Redis', () => {
  const schema = `${inject('runPrefix')}_retain_${process.pid}`;
  const keyPrefix = `${schema}:`;
  const redis = new Redis(TEST_REDIS_URL);
  let store: ConversationStore | undefined;

  afterAll(async () => {
    await store?.close();
    const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end();
    await deleteKeysWithPrefix(redis, keyPrefix);
    redis.disconnect();
  });

  it('has no TTL while entries wait, and gets its cache TTL back once they are flushed', async () => {
    store = await createStore({
      url: TEST_DATABASE_URL,
      schema,
      migrate: true,
      ttlSeconds: 1,
      cache: {
        url: TEST_REDIS_URL,
        keyPrefix,
        writeMode: 'write-behind',
        flusher: false,
        cacheTtlSeconds: 1,
      },
    });
    const key = { userId: 'alice', sessionId: 'waiting' };
    await store.append({ ...key, messages: [{ role: 'user', content: 'not flushed yet' }] });
    const sessionKeys = new CacheKeys(keyPrefix).session('alice', 'waiting').slice(0, 3);
    for (const k of sessionKeys) expect(await redis.pttl(k), k).toBe(-1);
    expect(await redis.hget(sessionKeys[0]!, 'p')).toBe('1');

    // Past the session's own TTL, the entry is still there to be flushed.
    await expect.poll(() => store!.getSession(key), { timeout: 5_000 }).toBeNull();
    expect(await redis.exists(sessionKeys[0]!)).toBe(1);
    expect(await redis.xlen(new CacheKeys(keyPrefix).stream('alice'))).toBe(1);

    const flushed = await store.capabilities.flush!();
    expect(flushed).toBe(1);
    const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    const rows = await sql.unsafe(
      `SELECT content FROM "${schema}".messages WHERE user_id = 'alice' AND session_id = 'waiting'`,
    );
    await sql.end();
    expect(rows.map((row) => row.content)).toEqual(['not flushed yet']);
    for (const k of sessionKeys) {
      expect(await redis.pttl(k), k).toBeGreaterThan(0);
      expect(await redis.pttl(k), k).toBeLessThanOrEqual(1000);
    }
    expect(await redis.hexists(sessionKeys[0]!, 'p')).toBe(0);

    // A cached session with its TTL back: the next append waits again, so its keys lose the
    // TTL (the session was live in PostgreSQL: re-created there by the flush above).
    const live = { userId: 'alice', sessionId: 'again' };
    await store.append({ ...live, messages: [{ role: 'user', content: 'one' }] });
    await store.capabilities.flush!();
    const liveKeys = new CacheKeys(keyPrefix).session('alice', 'again').slice(0, 3);
    for (const k of liveKeys) expect(await redis.pttl(k), k).toBeGreaterThan(0);
    await store.append({ ...live, messages: [{ role: 'assistant', content: 'two' }] });
    for (const k of liveKeys) expect(await redis.pttl(k), k).toBe(-1);
    await store.append({ ...live, messages: [{ role: 'user', content: 'three' }] });
    for (const k of liveKeys) expect(await redis.pttl(k), k).toBe(-1);
    expect(await redis.hget(liveKeys[0]!, 'p')).toBe('2');
  });
});
