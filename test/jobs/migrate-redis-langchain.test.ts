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

  it('stores each message whole: content blocks over 64 KiB, tool calls and usage in their fields, verified, idempotent', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const fixture = await writeLangChainFixture(prefix, 180);
    const first = await migrateRedis({ ...options(prefix, schema), verify: true });
    // Sessions s2 and s91 carry content blocks of more than 64 KiB: none is skipped.
    expect(first).toMatchObject({
      sessions: 180,
      messagesInserted: fixture.messageCount,
      unreadable: fixture.malformedKeys.length,
      verification: { sessions: 180, differences: 0 },
    });
    await expectTargetHolds(schema, fixture);

    const [blocks] = await admin.unsafe<
      { content: string; metadata: string; bytes: number; format: string; kind: string }[]
    >(
      `SELECT content, metadata::text, octet_length(data) AS bytes, format, kind
         FROM "${schema}".messages WHERE session_id = 's2' AND data LIKE '%image_url%'`,
    );
    expect(blocks).toMatchObject({
      content: 'what is in this picture? #2\nand this one?',
      metadata: '{}',
      format: 'langchain/message',
      kind: 'message',
    });
    expect(blocks!.bytes).toBeGreaterThan(64 * 1024);

    const pair = await admin.unsafe<Record<string, unknown>[]>(
      `SELECT role, kind, tool_call_ids, tool_result_ids, input_tokens::int, output_tokens::int,
              total_tokens::int, cached_input_tokens::int, reasoning_tokens::int, metadata::text
         FROM "${schema}".messages WHERE session_id = 's1' AND kind <> 'message' ORDER BY seq`,
    );
    expect(pair).toEqual([
      {
        role: 'assistant',
        kind: 'tool-call',
        tool_call_ids: ['c1'],
        tool_result_ids: [],
        input_tokens: 12,
        output_tokens: 7,
        total_tokens: 19,
        cached_input_tokens: 3,
        reasoning_tokens: 2,
        metadata: '{}',
      },
      {
        role: 'tool',
        kind: 'tool-result',
        tool_call_ids: [],
        tool_result_ids: ['c1'],
        input_tokens: null,
        output_tokens: null,
        total_tokens: null,
        cached_input_tokens: null,
        reasoning_tokens: null,
        metadata: '{}',
      },
    ]);

    const again = await migrateRedis({ ...options(prefix, schema), verify: true });
    expect(again).toMatchObject({ messagesInserted: 0, verification: { differences: 0 } });
    await expectTargetHolds(schema, fixture);

    const { createStore } = await import('../../src/index.js');
    const { fromStoredForm } = await import('../../src/adapters/langchain/index.js');
    const store = await createStore({ url: TEST_DATABASE_URL, schema });
    try {
      // A pair-aligned window of one message finds the call of the newest tool result: the
      // migration indexed the call as an append does.
      const window = await store.history({
        userId: 'alice',
        sessionId: 's1',
        last: 1,
        align: 'tool-pairs',
      });
      expect(window.map((m) => m.kind)).toEqual(['tool-call', 'tool-result']);
      // The adapter appending a migrated message again (same id, same element) is a retry.
      const session = fixture.sessions[1]!;
      const retried = session.messages.map((m, i) =>
        fromStoredForm(JSON.parse(m.data), `lc-${i + 1}`, m.data),
      );
      const retry = await store.append({ userId: 'alice', sessionId: 's1', messages: retried });
      expect(retry.inserted).toBe(0);
    } finally {
      await store.close();
    }

    // Verification covers data byte for byte.
    await admin.unsafe(
      `UPDATE "${schema}".messages SET data = replace(data, '"c1"', '"c2"')
        WHERE session_id = 's51' AND kind = 'tool-call'`,
    );
    const changed = await migrateRedis({ ...options(prefix, schema), dryRun: true, verify: true });
    expect(changed.verification?.differing.map((d) => d.sessionId)).toEqual(['s51']);
  });

  it('a session copied by an earlier version (text and metadata only) differs, and --reimport-differing makes it whole', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const fixture = await writeLangChainFixture(prefix, 4);
    await migrateRedis(options(prefix, schema));
    // What the earlier migration stored: the fields of data as metadata, no data.
    await admin.unsafe(
      `UPDATE "${schema}".messages
          SET metadata = jsonb_build_object('tool_calls', data::jsonb->'data'->'tool_calls'),
              data = NULL, format = NULL, kind = 'message', tool_call_ids = '{}'
        WHERE session_id = 's1'`,
    );
    const stale = await migrateRedis({ ...options(prefix, schema), verify: true });
    expect(stale.verification?.differing.map((d) => d.sessionId)).toEqual(['s1']);
    const fixed = await migrateRedis({
      ...options(prefix, schema),
      verify: true,
      reimportDiffering: true,
    });
    expect(fixed.verification).toMatchObject({ differences: 0, reimported: 1 });
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
          session.messages.push({
            role: 'assistant',
            content: late.data.content,
            data: JSON.stringify(late),
          });
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

/**
 * The target holds exactly the fixture: every session, every message once, in source order, each
 * with its text view and stored whole in data.
 */
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
      datas: string[];
      formats: string[];
    }[]
  >(
    `SELECT s.user_id, s.agent_id, s.session_id, s.last_seq::text, s.message_count,
            array_agg(m.seq::text ORDER BY m.seq) AS seqs,
            array_agg(m.role ORDER BY m.seq) AS roles,
            array_agg(m.content ORDER BY m.seq) AS contents,
            array_agg(m.data ORDER BY m.seq) AS datas,
            array_agg(m.format ORDER BY m.seq) AS formats
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
    // Each message whole, byte for byte as the list element LangChain wrote.
    expect(row!.datas).toEqual(session.messages.map((m) => m.data));
    expect(new Set(row!.formats)).toEqual(new Set(['langchain/message']));
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
      expect(messages.map((m) => [m.kind, m.toolCallIds, m.toolResultIds, m.metadata])).toEqual([
        ['message', [], [], {}],
        ['tool-call', ['call-1'], [], {}],
        ['tool-result', [], ['call-1'], {}],
        ['message', [], [], {}],
      ]);
      // LangChain's own message id becomes the messageId; the others get a stable lc-<seq>.
      expect(messages.map((m) => m.messageId)).toEqual(['lc-1', 'lc-2', 'lc-3', 'run-7']);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(!available())('migrate-redis, read back through convstore/langchain', () => {
  it('ConvstoreChatMessageHistory reads a migrated history exactly as RedisChatMessageHistory does', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const { RedisChatMessageHistory } = await import('@langchain/redis');
    const { AIMessage, HumanMessage, SystemMessage, ToolMessage } =
      await import('@langchain/core/messages');
    const { ConvstoreChatMessageHistory } = await import('../../src/adapters/langchain/index.js');
    const { createStore } = await import('../../src/index.js');
    const image = `data:image/png;base64,${'iVBORw0KGgo'.repeat(10_000)}`;
    const conversations = {
      tools: [
        new SystemMessage('You are a weather bot.'),
        new HumanMessage({
          content: [
            { type: 'text', text: 'Where was this taken, and what is the weather there?' },
            { type: 'image_url', image_url: { url: image } },
          ],
          id: 'h-1',
        }),
        new AIMessage({
          content: '',
          id: 'run-1',
          tool_calls: [
            { id: 'call_a', name: 'locate', args: { image: 'attached' }, type: 'tool_call' },
            { id: 'call_b', name: 'weather', args: { city: 'Lisbon' }, type: 'tool_call' },
          ],
          usage_metadata: {
            input_tokens: 1200,
            output_tokens: 40,
            total_tokens: 1240,
            input_token_details: { cache_read: 1000 },
            output_token_details: { reasoning: 16 },
          },
          response_metadata: { model_name: 'gpt-test', finish_reason: 'tool_calls' },
        }),
        new ToolMessage({ content: 'Lisbon', tool_call_id: 'call_a', name: 'locate' }),
        new ToolMessage({
          content: [{ type: 'text', text: '21 °C, sunny' }],
          tool_call_id: 'call_b',
          artifact: { raw: { t: 21 } },
          status: 'success',
        }),
        new AIMessage({ content: 'Lisbon, 21 °C and sunny.', id: 'run-2' }),
      ],
      // Text a plain content column cannot hold (NUL, a lone surrogate): data keeps it.
      odd: [new HumanMessage('a\u0000b \ud800 end'), new AIMessage('noted 🎉')],
    };
    const theirs = Object.entries(conversations).map(([name, messages]) => ({
      name,
      messages,
      history: new RedisChatMessageHistory({
        sessionId: `${prefix}chat:${name}`,
        config: { url: redisUrl() },
      }),
    }));
    let store: Awaited<ReturnType<typeof createStore>> | undefined;
    try {
      for (const { history, messages } of theirs) await history.addMessages(messages);
      const summary = await migrateRedis({
        from: redisUrl(),
        to: TEST_DATABASE_URL,
        schema,
        format: 'langchain',
        keyPattern: `${prefix}chat:*`,
        userId: 'carol',
        verify: true,
      });
      expect(summary).toMatchObject({
        sessions: 2,
        messages: 8,
        unreadable: 0,
        verification: { differences: 0 },
      });
      // The migration made the schema; the store opens it as the application would.
      store = await createStore({ url: TEST_DATABASE_URL, schema });
      for (const { name, history, messages } of theirs) {
        const ours = new ConvstoreChatMessageHistory({ store, userId: 'carol', sessionId: name });
        const expected = await history.getMessages();
        expect(expected).toHaveLength(messages.length);
        const read = await ours.getMessages();
        expect(read.map((m) => m.toDict())).toEqual(expected.map((m) => m.toDict()));
        expect(read.map((m) => m.constructor.name)).toEqual(
          expected.map((m) => m.constructor.name),
        );
      }
      const stored = await store.history({ userId: 'carol', sessionId: 'tools' });
      expect(
        stored.map((m) => [m.messageId, m.role, m.kind, m.toolCallIds, m.toolResultIds]),
      ).toEqual([
        ['lc-1', 'system', 'message', [], []],
        ['h-1', 'user', 'message', [], []],
        ['run-1', 'assistant', 'tool-call', ['call_a', 'call_b'], []],
        ['lc-4', 'tool', 'tool-result', [], ['call_a']],
        ['lc-5', 'tool', 'tool-result', [], ['call_b']],
        ['run-2', 'assistant', 'message', [], []],
      ]);
      expect(stored[2]!.usage).toEqual({
        model: 'gpt-test',
        inputTokens: 1200,
        outputTokens: 40,
        totalTokens: 1240,
        cachedInputTokens: 1000,
        reasoningTokens: 16,
        finishReason: 'tool_calls',
      });
      expect(stored[4]!.content).toBe('21 °C, sunny');
      const odd = await store.history({ userId: 'carol', sessionId: 'odd' });
      expect(odd[0]!.content).toBe('ab \ufffd end');
    } finally {
      await store?.close();
      for (const { history } of theirs) await history.client.quit();
    }
  });
});

async function contents(schema: string): Promise<Array<{ seq: number; content: string }>> {
  return admin.unsafe<Array<{ seq: number; content: string }>>(
    `SELECT seq::int, content FROM "${schema}".messages ORDER BY seq`,
  );
}
