import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  cacheStats,
  createStore,
  UnavailableError,
  type ConversationStore,
} from '../../../src/index.js';
import { startOwnRedis, TEST_DATABASE_URL, type OwnRedis } from '../../support/servers.js';

const available = inject('postgresAvailable') && inject('redisAvailable');

describe.skipIf(!available)('hybrid write-through: Redis stopped during writes', () => {
  const schema = `${inject('runPrefix')}_outage_${process.pid}`;
  let redis: OwnRedis | undefined;
  let store: ConversationStore | undefined;

  afterAll(async () => {
    await store?.close();
    await redis?.stop();
    const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end();
  });

  it('loses nothing, never errs, and serves from the cache again once Redis is back', async () => {
    redis = await startOwnRedis();
    store = await createStore({
      url: TEST_DATABASE_URL,
      schema,
      migrate: true,
      cache: { url: redis.url, keyPrefix: 'outage:', window: 50 },
    });
    const key = { userId: 'alice', sessionId: 'trip' };
    const sent: string[] = [];
    const append = async (content: string) => {
      await store!.append({ ...key, messages: [{ role: 'user', content }] });
      sent.push(content);
    };
    const contents = async () =>
      (await store!.history({ ...key, last: 100 })).map((m) => m.content);

    for (let i = 0; i < 5; i++) await append(`before ${i}`);
    // The first read misses and refills the cache in the background; a later one is a hit.
    await expect
      .poll(async () => {
        await contents();
        return cacheStats(store!)!.hits;
      })
      .toBeGreaterThan(0);

    await redis.stop();
    for (let i = 0; i < 10; i++) await append(`during ${i}`);
    expect(await contents()).toEqual(sent);
    expect(await store.getSession(key)).toMatchObject({ lastSeq: 15, messageCount: 15 });
    const down = cacheStats(store)!;
    expect(down.redisAvailable).toBe(false);
    expect(down.fallbacks).toBeGreaterThan(0);

    await redis.restart();
    // Redis came back empty: reads refill it and are served from it again, and the window it
    // serves is the whole, current history.
    const hitsBefore = cacheStats(store)!.hits;
    await expect
      .poll(
        async () => {
          await append(`after ${sent.length}`);
          expect(await contents()).toEqual(sent);
          return cacheStats(store!)!.hits;
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThan(hitsBefore);
    expect(cacheStats(store)!.redisAvailable).toBe(true);
    expect(await contents()).toEqual(sent);
    expect(sent.slice(0, 15)).toEqual([
      ...Array.from({ length: 5 }, (_, i) => `before ${i}`),
      ...Array.from({ length: 10 }, (_, i) => `during ${i}`),
    ]);
  });

  it('write-behind: opens while Redis is down, refuses appends (nothing acknowledged), reads PostgreSQL, and uses Redis once it answers', async () => {
    await store?.close();
    await redis?.stop();
    redis = await startOwnRedis();
    await redis.stop();
    store = await createStore({
      url: TEST_DATABASE_URL,
      schema,
      migrate: true,
      cache: { url: redis.url, keyPrefix: 'late:', writeMode: 'write-behind' },
    });
    expect(cacheStats(store)!.redisAvailable).toBe(false);
    const key = { userId: 'bob', sessionId: 'late' };
    // Creating or updating a session is refused too: a session live in Redis may look expired
    // in PostgreSQL (its newer expiry not flushed yet).
    await expect(store.createSession(key)).rejects.toBeInstanceOf(UnavailableError);
    await expect(store.updateSession({ ...key, title: 'x' })).rejects.toBeInstanceOf(
      UnavailableError,
    );
    // A session PostgreSQL already has.
    const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    await sql.unsafe(`SELECT "${schema}".create_session('bob', 'late', NULL, NULL, '{}', 3600)`);
    await sql.end();
    // An append cannot know what is queued for the session: refused, and nothing is written.
    const refused = { ...key, messages: [{ role: 'user' as const, content: 'while down' }] };
    await expect(store.append(refused)).rejects.toBeInstanceOf(UnavailableError);
    expect(await store.history(key)).toEqual([]);
    expect((await store.listSessions({ userId: 'bob' })).sessions).toHaveLength(1);
    // So are deletes and cleanup: neither could drop the cache nor see what is queued.
    await expect(store.deleteSession(key)).rejects.toBeInstanceOf(UnavailableError);
    await expect(store.deleteUser({ userId: 'bob' })).rejects.toBeInstanceOf(UnavailableError);
    expect(await store.getSession(key)).not.toBeNull();

    await redis.restart();
    // The client's retry of the refused append goes through once Redis answers.
    await expect
      .poll(async () => (await store!.append(refused).catch(() => null))?.inserted, {
        timeout: 15_000,
      })
      .toBe(1);
    await expect
      .poll(
        async () => {
          await store!.history(key);
          return cacheStats(store!)!.hits;
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    const { messages } = await store.append({
      ...key,
      messages: [{ role: 'user', content: 'via redis' }],
    });
    expect(messages[0]!.seq).toBe(2);
    expect((await store.history(key)).map((m) => m.content)).toEqual(['while down', 'via redis']);
  });
});
