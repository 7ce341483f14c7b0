import { describe, expect, it } from 'vitest';
import { createStore, type ConversationStore } from '../../src/index.js';
import { migrateRedis } from '../../src/jobs/migrate-redis/migrate-redis.js';
import {
  admin,
  available,
  freshPrefix,
  freshSchema,
  onCleanup,
  redis,
  TEST_DATABASE_URL,
  redisUrl,
  useRedisDatabase,
} from './support/job-fixtures.js';

useRedisDatabase(12);

const USERS = 20;
const SESSIONS_PER_USER = 60;

/**
 * convstore's own Redis layout, written by the real redis store. After the migration, every
 * session must read the same through the PostgreSQL store as through the redis store: the same
 * seqs (trimmed sessions start above 1), ids, roles, content, metadata, title and counters.
 */
describe.skipIf(!available())('migrate-redis, convstore layout', () => {
  it('moves every session of every user, empty and trimmed ones included, exactly as the redis store holds them', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const source = await open({ url: redisUrl(), keyPrefix: prefix, ttlSeconds: 3600 });
    const trimming = await open({ url: redisUrl(), keyPrefix: prefix, maxHistory: 3 });
    await source.putAgent({
      agentId: 'helper',
      name: 'Helper',
      model: 'gpt-x',
      settings: { temperature: 0.2, tools: ['search'] },
    });
    const keys = await writeSessions(source, trimming);

    // Two broken sessions: a message that is not JSON, and a session hash whose metadata is not.
    // (The first message's member in the session's log: see redis/layout.ts.)
    const log = `${prefix}{user-1}:log:s-1`;
    await redis().zremrangebyscore(log, 1, 1);
    await redis().zadd(log, 1, '[1,"00000010", broken');
    await redis().hset(`${prefix}{user-2}:meta:s-2`, 'm', '{nope');

    const summary = await migrateRedis({
      from: redisUrl(),
      to: TEST_DATABASE_URL,
      schema,
      format: 'convstore',
      prefix,
      verify: true,
      batchSize: 50,
    });
    expect(summary).toMatchObject({
      sessions: keys.length - 2,
      unreadable: 2,
      verification: { sessions: keys.length - 2, differences: 0 },
    });
    expect(summary.unreadableKeys.map((entry) => entry.key).sort()).toEqual(
      [`${prefix}{user-1}:meta:s-1`, `${prefix}{user-2}:meta:s-2`].sort(),
    );
    expect(JSON.stringify(summary)).not.toContain('broken');
    expect(summary.agents).toBe(1);

    const target = await open({ url: TEST_DATABASE_URL, schema });
    const [agent] = await target.listAgents();
    expect(agent).toMatchObject({
      agentId: 'helper',
      name: 'Helper',
      model: 'gpt-x',
      settings: { temperature: 0.2, tools: ['search'] },
    });
    for (const key of keys) {
      if (
        (key.userId === 'user-1' && key.sessionId === 's-1') ||
        (key.userId === 'user-2' && key.sessionId === 's-2')
      ) {
        expect(await target.getSession(key)).toBeNull();
        continue;
      }
      const [before, after] = await Promise.all([source.getSession(key), target.getSession(key)]);
      expect(after, `${key.userId}/${key.sessionId}`).toMatchObject({
        title: before!.title,
        metadata: before!.metadata,
        agentId: before!.agentId,
        lastSeq: before!.lastSeq,
        messageCount: before!.messageCount,
      });
      expect(after!.expiresAt?.getTime()).toBe(before!.expiresAt?.getTime());
      const [sourceHistory, targetHistory] = await Promise.all([
        source.history({ ...key, last: 1000 }),
        target.history({ ...key, last: 1000 }),
      ]);
      expect(targetHistory).toEqual(sourceHistory);
    }

    // The fixture really holds what the title says.
    const [shape] = await admin.unsafe<{ trimmed: number; empty: number; long: number }[]>(
      `SELECT (SELECT count(*)::int FROM "${schema}".sessions WHERE last_seq > message_count) AS trimmed,
              (SELECT count(*)::int FROM "${schema}".sessions WHERE last_seq = 0) AS empty,
              (SELECT count(*)::int FROM "${schema}".messages WHERE length(content) >= 100000) AS long`,
    );
    expect(shape!.trimmed).toBeGreaterThan(10);
    expect(shape!.empty).toBeGreaterThan(10);
    expect(shape!.long).toBeGreaterThan(5);

    // A second run finds everything in place.
    const again = await migrateRedis({
      from: redisUrl(),
      to: TEST_DATABASE_URL,
      schema,
      format: 'convstore',
      prefix,
    });
    expect(again.messagesInserted).toBe(0);
    const [count] = await admin.unsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${schema}".messages`,
    );
    expect(count!.n).toBe(summary.messages);
  });

  it('keeps in PostgreSQL what Redis trimmed between runs, and still verifies', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const source = await open({ url: redisUrl(), keyPrefix: prefix, maxHistory: 3 });
    const key = { userId: 'hal', sessionId: 'window' };
    const say = (content: string) =>
      source.append({ ...key, messages: [{ role: 'user', content }] });
    const run = () =>
      migrateRedis({
        from: redisUrl(),
        to: TEST_DATABASE_URL,
        schema,
        format: 'convstore',
        prefix,
        verify: true,
      });
    for (const word of ['one', 'two', 'three']) await say(word);
    expect((await run()).verification?.differences).toBe(0);
    // Redis keeps a window of 3: 'one' and 'two' leave it, PostgreSQL keeps them.
    for (const word of ['four', 'five']) await say(word);
    const second = await run();
    expect(second).toMatchObject({ messagesInserted: 2, verification: { differences: 0 } });

    const target = await open({ url: TEST_DATABASE_URL, schema });
    const history = await target.history({ ...key, last: 10 });
    expect(history.map((m) => [m.seq, m.content])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
      [4, 'four'],
      [5, 'five'],
    ]);
    expect(await target.getSession(key)).toMatchObject({ lastSeq: 5, messageCount: 5 });
  });

  it('reports a session with structured fields and keeps it in the source, never copying it without them', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const source = await open({ url: redisUrl(), keyPrefix: prefix });
    const key = { userId: 'dave', sessionId: 'tools' };
    await source.append({
      ...key,
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', kind: 'tool-call', data: '{"id":"x"}', toolCallIds: ['c1'] },
      ],
    });
    await source.append({
      userId: 'dave',
      sessionId: 'plain',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const summary = await migrateRedis({
      from: redisUrl(),
      to: TEST_DATABASE_URL,
      schema,
      format: 'convstore',
      prefix,
      verify: true,
      deleteSource: true,
    });
    expect(summary).toMatchObject({ sessions: 1, unreadable: 1 });
    expect(summary.unreadableKeys.map((entry) => entry.key)).toEqual([
      `${prefix}{dave}:meta:tools`,
    ]);
    expect((await source.history(key)).map((m) => m.data)).toEqual([null, '{"id":"x"}']);
  });

  it('deletes the source keys of verified sessions and takes them out of the user index', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const source = await open({ url: redisUrl(), keyPrefix: prefix });
    for (let i = 0; i < 5; i++) {
      await source.append({
        userId: 'carol',
        sessionId: `c-${i}`,
        messages: [{ role: 'user', content: `hello ${i}` }],
      });
    }
    const summary = await migrateRedis({
      from: redisUrl(),
      to: TEST_DATABASE_URL,
      schema,
      format: 'convstore',
      prefix,
      verify: true,
      deleteSource: true,
    });
    expect(summary).toMatchObject({ sessions: 5, verification: { differences: 0 } });
    expect(summary.deletedKeys).toBeGreaterThanOrEqual(10);
    expect((await source.listSessions({ userId: 'carol' })).sessions).toEqual([]);
    expect(await source.getSession({ userId: 'carol', sessionId: 'c-0' })).toBeNull();
    const target = await open({ url: TEST_DATABASE_URL, schema });
    expect((await target.listSessions({ userId: 'carol' })).sessions).toHaveLength(5);
  });
});

async function open(options: Parameters<typeof createStore>[0]): Promise<ConversationStore> {
  const store = await createStore(options);
  onCleanup(() => store.close());
  return store;
}

const TEXTS = ['plain', 'ação 🎉 日本語', 'x'.repeat(100_000), '', 'multi\nline'];

/** Sessions of several users: with messages, empty, trimmed, with titles, agents and metadata. */
async function writeSessions(
  store: ConversationStore,
  trimming: ConversationStore,
): Promise<Array<{ userId: string; sessionId: string }>> {
  const keys: Array<{ userId: string; sessionId: string }> = [];
  const writes: Array<Promise<unknown>> = [];
  for (let u = 0; u < USERS; u++) {
    for (let s = 0; s < SESSIONS_PER_USER; s++) {
      const key = { userId: `user-${u}`, sessionId: `s-${s}` };
      keys.push(key);
      const n = u * SESSIONS_PER_USER + s;
      if (n % 10 === 0) {
        writes.push(store.createSession({ ...key, title: `empty ${n}`, metadata: { n } }));
        continue;
      }
      const writer = n % 7 === 0 ? trimming : store;
      writes.push(
        writer.append({
          ...key,
          ...(n % 3 === 0 ? { agentId: 'helper' } : {}),
          messages: Array.from({ length: 1 + (n % 5) }, (_, i) => ({
            role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
            content: TEXTS[(n + i) % (n % 40 === 1 ? 5 : 2)] ?? '',
            metadata: i === 1 ? { tokens: { in: n, out: i }, model: 'gpt-x' } : {},
          })),
        }),
      );
      if (writes.length >= 200) await Promise.all(writes.splice(0));
    }
  }
  await Promise.all(writes);
  return keys;
}
