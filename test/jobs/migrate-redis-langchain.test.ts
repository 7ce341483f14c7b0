import { describe, expect, it } from 'vitest';
import { ValidationError, UnavailableError } from '../../src/index.js';
import { migrateRedis } from '../../src/jobs/migrate-redis/migrate-redis.js';
import {
  admin,
  available,
  freshPrefix,
  freshSchema,
  redis,
  TEST_DATABASE_URL,
  redisUrl,
  useRedisDatabase,
} from './support/job-fixtures.js';
import { writeLangChainFixture, type LangChainFixture } from './support/langchain-fixture.js';

useRedisDatabase(11);

const SESSIONS = 2000;

describe.skipIf(!available())('migrate-redis, LangChain layout', () => {
  const options = (prefix: string, schema: string) => ({
    from: redisUrl(),
    to: TEST_DATABASE_URL,
    schema,
    format: 'langchain' as const,
    keyPattern: `${prefix}lc:*`,
    userId: 'alice',
    agentId: 'legacy-bot',
    batchSize: 100,
  });

  it('migrates thousands of histories in order, reports broken ones by key, and a re-run stores nothing twice', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const fixture = await writeLangChainFixture(prefix, SESSIONS);
    const unreadable: string[] = [];

    const first = await migrateRedis({
      ...options(prefix, schema),
      verify: true,
      onUnreadable: (key) => unreadable.push(key),
    });

    expect(first).toMatchObject({
      interrupted: false,
      sessions: SESSIONS,
      messages: fixture.messageCount,
      messagesInserted: fixture.messageCount,
      unreadable: fixture.malformedKeys.length,
      ignored: fixture.otherKeys.length,
      verification: { sessions: SESSIONS, differences: 0 },
    });
    expect(unreadable.sort()).toEqual([...fixture.malformedKeys].sort());
    expect(first.unreadableKeys.map((entry) => entry.key).sort()).toEqual(unreadable);
    await expectTargetHolds(schema, fixture);

    const again = await migrateRedis({ ...options(prefix, schema), verify: true });
    expect(again).toMatchObject({
      sessions: SESSIONS,
      messagesInserted: 0,
      verification: { differences: 0 },
    });
    await expectTargetHolds(schema, fixture);
  });

  it('keeps the TTL of a history key as expires_at, and none where the key had none', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    await writeLangChainFixture(prefix, 8);
    const before = Date.now();
    await migrateRedis(options(prefix, schema));
    const rows = await admin.unsafe<{ session_id: string; expires_ms: string | null }[]>(
      `SELECT session_id, (extract(epoch FROM expires_at) * 1000)::bigint::text AS expires_ms
         FROM "${schema}".sessions`,
    );
    const expiry = new Map(rows.map((row) => [row.session_id, row.expires_ms]));
    // Sessions 0 and 4 were given a 3600 s TTL; the others none.
    for (const id of ['s0', 's4']) {
      const ms = Number(expiry.get(id));
      expect(ms).toBeGreaterThan(before + 3590_000);
      expect(ms).toBeLessThanOrEqual(Date.now() + 3600_000);
    }
    for (const id of ['s1', 's2', 's3', 's5', 's6', 's7']) expect(expiry.get(id)).toBeNull();
  });

  it('resumes after being stopped halfway, storing every message exactly once', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const fixture = await writeLangChainFixture(prefix, SESSIONS);
    const controller = new AbortController();

    const stopped = await migrateRedis({
      ...options(prefix, schema),
      batchSize: 25,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.phase === 'migrate' && progress.done >= 500) controller.abort();
      },
    });
    expect(stopped.interrupted).toBe(true);
    const [partial] = await admin.unsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${schema}".sessions`,
    );
    expect(partial!.n).toBeGreaterThan(0);
    expect(partial!.n).toBeLessThan(SESSIONS);

    const resumed = await migrateRedis({ ...options(prefix, schema), verify: true });
    expect(resumed.interrupted).toBe(false);
    expect(resumed.messagesInserted).toBeLessThan(fixture.messageCount);
    expect(resumed.verification).toMatchObject({ sessions: SESSIONS, differences: 0 });
    await expectTargetHolds(schema, fixture);
  });

  it('keeps seqs stable while the app keeps pushing: a second run adds the new messages after', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const fixture = await writeLangChainFixture(prefix, 1000);
    let pushed = false;
    const pushes: Array<Promise<unknown>> = [];
    await migrateRedis({
      ...options(prefix, schema),
      onProgress: (progress) => {
        // Mid-run, the application answers in 100 conversations, some already migrated.
        if (progress.phase !== 'migrate' || progress.done < 500 || pushed) return;
        pushed = true;
        for (const session of fixture.sessions.slice(0, 100)) {
          const late = { type: 'ai', data: { content: `late answer in ${session.sessionId}` } };
          pushes.push(redis().lpush(session.key, JSON.stringify(late)));
          session.messages.push({ role: 'assistant', content: late.data.content });
        }
      },
    });
    await Promise.all(pushes);
    expect(pushed).toBe(true);

    const second = await migrateRedis({ ...options(prefix, schema), verify: true });
    expect(second.verification).toMatchObject({ sessions: 1000, differences: 0 });
    await expectTargetHolds(schema, { ...fixture, messageCount: fixture.messageCount + 100 });
  });

  it('on a dry run counts what it would do and writes nothing, not even the schema', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const fixture = await writeLangChainFixture(prefix, 300);
    const summary = await migrateRedis({ ...options(prefix, schema), dryRun: true });
    expect(summary).toMatchObject({
      dryRun: true,
      sessions: 300,
      messages: fixture.messageCount,
      messagesInserted: 0,
      unreadable: fixture.malformedKeys.length,
    });
    const [exists] = await admin.unsafe<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1',
      [schema],
    );
    expect(exists!.n).toBe(0);
  });

  it('catches a corrupted target on --verify, and deletes the source only once it verifies', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const fixture = await writeLangChainFixture(prefix, 200);
    await migrateRedis(options(prefix, schema));

    await admin.unsafe(
      `UPDATE "${schema}".messages SET content = content || '!' WHERE session_id = 's7' AND seq = 2`,
    );
    await admin.unsafe(`DELETE FROM "${schema}".messages WHERE session_id = 's11' AND seq = 1`);
    const differing: string[] = [];
    // A dry run with --verify compares only: it sees both the changed and the missing message.
    const compared = await migrateRedis({
      ...options(prefix, schema),
      dryRun: true,
      verify: true,
      onDifference: (difference) => differing.push(difference.sessionId),
    });
    expect(compared.verification?.differences).toBe(2);
    expect(differing.sort()).toEqual(['s11', 's7']);
    expect(compared.verification?.differing.find((d) => d.sessionId === 's11')?.problem).toMatch(
      /source has \d+ message\(s\), the target \d+/,
    );
    expect(compared.verification?.differing.find((d) => d.sessionId === 's7')?.problem).toMatch(
      /content hash differs/,
    );

    // A real run puts the missing message back (same seq), but cannot know which side of a
    // changed message is right: verification fails and no source key is deleted.
    const refused = await migrateRedis({
      ...options(prefix, schema),
      verify: true,
      deleteSource: true,
    });
    expect(refused.messagesInserted).toBe(1);
    expect(refused.verification?.differences).toBe(1);
    expect(refused.verification?.differing[0]?.sessionId).toBe('s7');
    expect(refused.deletedKeys).toBe(0);
    expect(await redis().exists(fixture.sessions[0]!.key)).toBe(1);

    // Repair the target the way an operator would (drop the bad sessions, migrate again).
    await admin.unsafe(`DELETE FROM "${schema}".sessions WHERE session_id = 's7'`);
    const repaired = await migrateRedis({
      ...options(prefix, schema),
      verify: true,
      deleteSource: true,
    });
    expect(repaired.verification?.differences).toBe(0);
    expect(repaired.deletedKeys).toBe(200);
    for (const session of fixture.sessions) expect(await redis().exists(session.key)).toBe(0);
    // Unreadable and foreign keys are never deleted.
    for (const key of [...fixture.malformedKeys, ...fixture.otherKeys]) {
      expect(await redis().exists(key)).toBe(1);
    }
    await expectTargetHolds(schema, fixture);
  });

  it('--reimport-differing: a session the app cleared and restarted gets the source copy, verified', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const key = `${prefix}lc:restarted`;
    const push = (content: string) =>
      redis().lpush(key, JSON.stringify({ type: 'human', data: { content } }));
    for (let i = 1; i <= 15; i++) await push(`old ${i}`);
    const run = (extra: object = {}) =>
      migrateRedis({
        ...options(prefix, schema),
        keyPattern: `${prefix}lc:*`,
        verify: true,
        ...extra,
      });
    expect((await run()).verification).toMatchObject({ differences: 0 });

    // The source app cleared the history and started again.
    await redis().del(key);
    await push('a fresh start');
    const stuck = await run();
    expect(stuck.verification).toMatchObject({ differences: 1, reimported: 0 });
    expect(stuck.verification!.differing[0]!.problem).toBe(
      'the source has 1 message(s), the target 15',
    );
    expect(await contents(schema)).toHaveLength(15);

    const reimported: string[] = [];
    const fixed = await run({
      reimportDiffering: true,
      onReimported: (k: string) => reimported.push(k),
    });
    expect(fixed.verification).toMatchObject({ sessions: 1, differences: 0, reimported: 1 });
    expect(reimported).toEqual([key]);
    expect(await contents(schema)).toEqual([{ seq: 1, content: 'a fresh start' }]);
    const [row] = await admin.unsafe<{ last_seq: number; message_count: number }[]>(
      `SELECT last_seq::int, message_count FROM "${schema}".sessions`,
    );
    expect(row).toEqual({ last_seq: 1, message_count: 1 });
    expect((await run()).verification).toMatchObject({ differences: 0, reimported: 0 });
  });

  it('--reimport-differing keeps the target copy when the new copy does not verify', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const key = `${prefix}lc:restarted`;
    const push = (content: string) =>
      redis().lpush(key, JSON.stringify({ type: 'human', data: { content } }));
    for (let i = 1; i <= 3; i++) await push(`old ${i}`);
    const run = (extra: object = {}) =>
      migrateRedis({
        ...options(prefix, schema),
        keyPattern: `${prefix}lc:*`,
        verify: true,
        ...extra,
      });
    await run();
    await redis().del(key);
    await push('a fresh start');
    // From now on the target garbles what is written into it: no new copy can verify.
    await admin.unsafe(`
      CREATE FUNCTION "${schema}".garble() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN NEW.content := NEW.content || '!'; RETURN NEW; END $$;
      CREATE TRIGGER garble BEFORE INSERT ON "${schema}".messages
        FOR EACH ROW EXECUTE FUNCTION "${schema}".garble()`);
    const kept = await run({ reimportDiffering: true });
    expect(kept.verification).toMatchObject({ differences: 1, reimported: 0 });
    expect(await contents(schema)).toEqual([
      { seq: 1, content: 'old 1' },
      { seq: 2, content: 'old 2' },
      { seq: 3, content: 'old 3' },
    ]);
  });

  it('refuses --reimport-differing without --verify or on a dry run', async () => {
    const base = options('unused:', 'unused');
    for (const extra of [{}, { verify: true, dryRun: true }]) {
      await expect(migrateRedis({ ...base, reimportDiffering: true, ...extra })).rejects.toThrow(
        /reimportDiffering: needs verify/,
      );
    }
  });

  it('refuses bad options before connecting, and says when a server does not answer', async () => {
    const base = options('x:', freshSchema());
    await expect(migrateRedis({ ...base, userId: undefined })).rejects.toThrow(ValidationError);
    await expect(migrateRedis({ ...base, deleteSource: true })).rejects.toThrow(/verif/);
    await expect(migrateRedis({ ...base, format: 'convstore' })).rejects.toThrow(
      /userId: is for the langchain format/,
    );
    await expect(migrateRedis({ ...base, userId: 'no spaces allowed' })).rejects.toThrow(
      ValidationError,
    );
    await expect(migrateRedis({ ...base, from: 'redis://127.0.0.1:1' })).rejects.toThrow(
      UnavailableError,
    );
    await expect(migrateRedis({ ...base, to: 'postgres://127.0.0.1:1/test' })).rejects.toThrow(
      UnavailableError,
    );
  });
});

/** The target holds exactly the fixture: every session, every message once, in source order. */
async function expectTargetHolds(schema: string, fixture: LangChainFixture): Promise<void> {
  const rows = await admin.unsafe<
    {
      user_id: string;
      agent_id: string | null;
      session_id: string;
      last_seq: string;
      message_count: number;
      seqs: string[];
      roles: string[];
      contents: string[];
    }[]
  >(
    `SELECT s.user_id, s.agent_id, s.session_id, s.last_seq::text, s.message_count,
            array_agg(m.seq::text ORDER BY m.seq) AS seqs,
            array_agg(m.role ORDER BY m.seq) AS roles,
            array_agg(m.content ORDER BY m.seq) AS contents
       FROM "${schema}".sessions s JOIN "${schema}".messages m USING (user_id, session_id)
      GROUP BY s.user_id, s.agent_id, s.session_id, s.last_seq, s.message_count`,
  );
  expect(rows).toHaveLength(fixture.sessions.length);
  const byId = new Map(rows.map((row) => [row.session_id, row]));
  for (const session of fixture.sessions) {
    const row = byId.get(session.sessionId);
    const count = session.messages.length;
    expect(row, session.sessionId).toMatchObject({
      user_id: 'alice',
      agent_id: 'legacy-bot',
      last_seq: String(count),
      message_count: count,
    });
    expect(row!.seqs).toEqual(session.messages.map((_, i) => String(i + 1)));
    expect(row!.roles).toEqual(session.messages.map((m) => m.role));
    expect(row!.contents).toEqual(session.messages.map((m) => m.content));
  }
}

describe.skipIf(!available())('migrate-redis, what LangChain itself wrote', () => {
  it('reads RedisChatMessageHistory lists written by the LangChain class, in its own order', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const { RedisChatMessageHistory } = await import('@langchain/community/stores/message/ioredis');
    const { AIMessage, HumanMessage, ToolMessage } = await import('@langchain/core/messages');
    const history = new RedisChatMessageHistory({
      sessionId: `${prefix}chat-42`,
      sessionTTL: 600,
      client: redis(),
    });
    await history.addMessage(new HumanMessage('What is the weather in Lisbon?'));
    await history.addMessage(
      new AIMessage({
        content: '',
        tool_calls: [{ id: 'call-1', name: 'weather', args: { city: 'Lisbon' } }],
      }),
    );
    await history.addMessage(new ToolMessage({ content: '21°C, sunny', tool_call_id: 'call-1' }));
    await history.addMessage(new AIMessage({ content: 'Sunny, 21°C.', id: 'run-7' }));

    const summary = await migrateRedis({
      from: redisUrl(),
      to: TEST_DATABASE_URL,
      schema,
      format: 'langchain',
      keyPattern: `${prefix}*`,
      userId: 'bob',
      verify: true,
    });
    expect(summary).toMatchObject({ sessions: 1, messages: 4, verification: { differences: 0 } });

    const { createStore } = await import('../../src/index.js');
    const store = await createStore({ url: TEST_DATABASE_URL, schema });
    try {
      const messages = await store.history({ userId: 'bob', sessionId: 'chat-42' });
      expect(messages.map((m) => [m.seq, m.role, m.content])).toEqual([
        [1, 'user', 'What is the weather in Lisbon?'],
        [2, 'assistant', ''],
        [3, 'tool', '21°C, sunny'],
        [4, 'assistant', 'Sunny, 21°C.'],
      ]);
      expect(messages[1]!.metadata).toEqual({
        tool_calls: [{ id: 'call-1', name: 'weather', args: { city: 'Lisbon' } }],
      });
      expect(messages[2]!.metadata).toMatchObject({ tool_call_id: 'call-1' });
      // LangChain's own message id becomes the messageId; the others get a stable lc-<seq>.
      expect(messages.map((m) => m.messageId)).toEqual(['lc-1', 'lc-2', 'lc-3', 'run-7']);
    } finally {
      await store.close();
    }
  });
});

async function contents(schema: string): Promise<Array<{ seq: number; content: string }>> {
  return admin.unsafe<Array<{ seq: number; content: string }>>(
    `SELECT seq::int, content FROM "${schema}".messages ORDER BY seq`,
  );
}
