import postgres from 'postgres';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  cacheStats,
  createStore,
  UnavailableError,
  type ConversationStore,
} from '../../../src/index.js';
import { CacheKeys } from '../../../src/stores/hybrid/cache-keys.js';
import { startOwnPostgres, TEST_REDIS_URL, type OwnPostgres } from '../../support/servers.js';

// Starting a PostgreSQL of its own needs root (initdb and pg_ctl run as the postgres user), as in CI.
const isRoot = process.getuid?.() === 0;
if (!isRoot && process.env.CI !== 'true') {
  console.warn(
    '!! hybrid PostgreSQL-outage test SKIPPED: it must run as root to start its own server',
  );
}
const available = inject('redisAvailable') && (isRoot || process.env.CI === 'true');

describe.skipIf(!available)('hybrid write-behind: PostgreSQL stopped during writes', () => {
  const keyPrefix = `${inject('runPrefix')}_pgdown_${process.pid}:`;
  let server: OwnPostgres | undefined;
  let store: ConversationStore | undefined;
  const redis = new Redis(TEST_REDIS_URL);

  afterAll(async () => {
    await store?.close();
    await server?.destroy();
    const keys = await scanAll(redis, `${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('buffers up to its bound, then refuses, then catches up with nothing lost', async () => {
    server = await startOwnPostgres();
    store = await createStore({
      url: server.url,
      migrate: true,
      cache: { url: TEST_REDIS_URL, keyPrefix, writeMode: 'write-behind', maxPending: 20 },
    });
    const key = { userId: 'alice', sessionId: 'offline' };
    const sent: string[] = [];
    const append = async (content: string) => {
      const { messages } = await store!.append({ ...key, messages: [{ role: 'user', content }] });
      sent.push(content);
      return messages[0]!.seq;
    };
    const rows = async () => {
      const sql = postgres(server!.url, { max: 1, onnotice: () => {} });
      try {
        const found = await sql<Array<{ seq: string; content: string }>>`
          SELECT seq, content FROM convstore.messages
           WHERE user_id = 'alice' AND session_id = 'offline' ORDER BY seq`;
        return found.map((row) => [Number(row.seq), row.content]);
      } finally {
        await sql.end({ timeout: 1 });
      }
    };

    for (let i = 0; i < 5; i++) await append(`online ${i}`);
    await expect.poll(rows).toHaveLength(5);

    await server.stop();
    // Acknowledged from Redis while PostgreSQL is away, up to the bound of 20 queued entries.
    for (let i = 0; i < 20; i++) expect(await append(`offline ${i}`)).toBe(6 + i);
    await expect(
      store.append({ ...key, messages: [{ role: 'user', content: 'one too many' }] }),
    ).rejects.toBeInstanceOf(UnavailableError);
    expect(cacheStats(store)!.refused).toBe(1);
    // Reads of the cached window go on.
    expect((await store.history({ ...key, last: 100 })).map((m) => m.content)).toEqual(sent);

    await server.start();
    // The flusher retries on its own and catches up: every acknowledged message, once, in order.
    const expected = sent.map((content, i) => [i + 1, content]);
    await expect.poll(rows, { timeout: 20_000 }).toEqual(expected);
    expect(await redis.xlen(new CacheKeys(keyPrefix).stream('alice'))).toBe(0);
    expect(cacheStats(store)!.flushFailures).toBeGreaterThan(0);
    expect(await append('back online')).toBe(26);
  });
});

async function scanAll(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}
