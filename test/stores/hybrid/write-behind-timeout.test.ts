import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  createStore,
  UnavailableError,
  type ConversationStore,
  type Message,
} from '../../../src/index.js';
import { startOwnRedis, TEST_DATABASE_URL, type OwnRedis } from '../../support/servers.js';
import { CacheKeys } from '../../../src/stores/hybrid/cache-keys.js';

const available = inject('postgresAvailable') && inject('redisAvailable');

/** The write-behind store's own capability: write what is queued now. */
const flush = (store: ConversationStore): Promise<number> => store.capabilities.flush!();

/**
 * Review finding 3: a write-behind append whose script timed out may still run in Redis, so it
 * must not be written to PostgreSQL directly (that took a seq below the queued ones and
 * reordered acknowledged messages). A Redis of our own is paused for writes (CLIENT PAUSE) past
 * the store's 1 s command timeout.
 */
describe.skipIf(!available)('hybrid write-behind: an append script that timed out', () => {
  const schema = `${inject('runPrefix')}_wbtimeout_${process.pid}`;
  const prefix = 'timeout:';
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  let redis: OwnRedis | undefined;
  let admin: Redis | undefined;
  let store: ConversationStore | undefined;

  afterAll(async () => {
    await store?.close();
    admin?.disconnect();
    await redis?.stop();
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end();
  });

  it('is refused, never written to PostgreSQL behind the queue, and its retry keeps the order', async () => {
    redis = await startOwnRedis();
    admin = new Redis(redis.url);
    store = await createStore({
      url: TEST_DATABASE_URL,
      schema,
      migrate: true,
      cache: { url: redis.url, keyPrefix: prefix, writeMode: 'write-behind', flusher: false },
    });
    const key = { userId: 'alice', sessionId: 'slow' };
    const acknowledged: Message[] = [];
    const append = async (content: string, messageId?: string) => {
      const result = await store!.append({
        ...key,
        messages: [{ role: 'user', content, ...(messageId ? { messageId } : {}) }],
      });
      acknowledged.push(...result.messages);
      return result;
    };
    await append('one');
    await append('two');
    expect(await flush(store)).toBe(2);

    await admin.call('CLIENT', 'PAUSE', '1500', 'WRITE');
    const slow = { content: 'three', messageId: '01890000-0000-7000-8000-0000000000a3' };
    await expect(append(slow.content, slow.messageId)).rejects.toBeInstanceOf(UnavailableError);
    const stored = () =>
      sql.unsafe<Array<{ seq: string; content: string }>>(
        `SELECT seq, content FROM "${schema}".messages ORDER BY seq`,
      );
    expect((await stored()).map((r) => r.content)).toEqual(['one', 'two']);

    // The timed-out script runs once the pause ends; the client's retry finds its message.
    await expect
      .poll(() => admin!.hget(new CacheKeys(prefix).session('alice', 'slow')[0], 'l'), {
        timeout: 10_000,
      })
      .toBe('3');
    const retry = await append(slow.content, slow.messageId);
    expect(retry.inserted).toBe(0);
    expect(retry.messages.map((m) => m.seq)).toEqual([3]);
    await append('four');
    expect(await flush(store)).toBe(2);

    expect((await stored()).map((r) => [Number(r.seq), r.content])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
      [4, 'four'],
    ]);
    expect((await store.history({ ...key, last: 10 })).map((m) => [m.seq, m.content])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
      [4, 'four'],
    ]);
    expect(acknowledged.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });
});
