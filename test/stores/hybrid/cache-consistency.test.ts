import postgres from 'postgres';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import {
  cacheStats,
  createStore,
  type ConversationStore,
  type Message,
  type StoreOptions,
} from '../../../src/index.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/servers.js';
import { deleteKeysWithPrefix } from '../../support/redis-keys.js';

const available = inject('postgresAvailable') && inject('redisAvailable');
let counter = 0;

/**
 * Two service instances (two stores) sharing one PostgreSQL and one Redis, writing the same
 * session at once: the cache must never show a window with a gap or out of order, and must end
 * equal to PostgreSQL.
 */
describe.skipIf(!available)('hybrid: two instances writing one session at once', () => {
  const opened: ConversationStore[] = [];
  let schema = '';
  let keyPrefix = '';

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end();
    const redis = new Redis(TEST_REDIS_URL);
    await deleteKeysWithPrefix(redis, keyPrefix);
    redis.disconnect();
  });

  async function openPair(writeMode: 'write-through' | 'write-behind') {
    schema = `${inject('runPrefix')}_pair_${process.pid}_${++counter}`;
    keyPrefix = `${schema}:`;
    const options: StoreOptions = {
      url: TEST_DATABASE_URL,
      schema,
      migrate: true,
      cache: { url: TEST_REDIS_URL, keyPrefix, writeMode, window: 20 },
    };
    const a = await createStore(options);
    const b = await createStore(options);
    const plain = await createStore({ url: TEST_DATABASE_URL, schema });
    opened.push(a, b, plain);
    return { a, b, plain };
  }

  function expectContiguous(messages: Message[]): void {
    const seqs = messages.map((m) => m.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  }

  it('write-through: every window read is contiguous and the cache ends equal to PostgreSQL', async () => {
    const { a, b, plain } = await openPair('write-through');
    const key = { userId: 'alice', sessionId: 'shared' };
    await a.append({ ...key, messages: [{ role: 'user', content: 'start' }] });
    await expect
      .poll(async () => {
        await a.history({ ...key, last: 20 });
        return cacheStats(a)!.hits;
      })
      .toBeGreaterThan(0);

    const reads: Message[][] = [];
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const store = i % 2 === 0 ? a : b;
        await store.append({ ...key, messages: [{ role: 'user', content: `m${i}` }] });
        reads.push(await store.history({ ...key, last: 20 }));
      }),
    );
    for (const read of reads) expectContiguous(read);

    const truth = await plain.history({ ...key, last: 20 });
    expect(truth.at(-1)!.seq).toBe(61);
    await expect
      .poll(async () => {
        const before = cacheStats(b)!.hits;
        const cached = await b.history({ ...key, last: 20 });
        return cacheStats(b)!.hits > before ? cached : null;
      })
      .toEqual(truth);
  });

  it('write-behind: seqs are 1..n across instances and PostgreSQL ends with exactly them', async () => {
    const { a, b, plain } = await openPair('write-behind');
    const key = { userId: 'alice', sessionId: 'shared' };
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 === 0 ? a : b).append({ ...key, messages: [{ role: 'user', content: `m${i}` }] }),
      ),
    );
    const acknowledged = results.map((r) => r.messages[0]!).sort((x, y) => x.seq - y.seq);
    expect(acknowledged.map((m) => m.seq)).toEqual(acknowledged.map((_, i) => i + 1));
    const window = await a.history({ ...key, last: 20 });
    expect(window).toEqual(acknowledged.slice(-20));
    await expect
      .poll(async () => (await plain.history({ ...key, last: 100 })).map((m) => [m.seq, m.content]))
      .toEqual(acknowledged.map((m) => [m.seq, m.content]));
  });
});
