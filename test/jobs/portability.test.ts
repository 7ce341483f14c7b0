import { describe, expect, it } from 'vitest';
import {
  createStore,
  UnsupportedError,
  ValidationError,
  type Message,
  type ConversationStore,
  type StoreOptions,
} from '../../src/index.js';
import { copyStore } from '../../src/jobs/portability/copy-store.js';
import { exportData } from '../../src/jobs/portability/export-data.js';
import { importData } from '../../src/jobs/portability/import-data.js';
import { TEST_DATABASE_URL } from '../support/servers.js';
import {
  available,
  freshPrefix,
  freshSchema,
  onCleanup,
  redisUrl,
  useRedisDatabase,
} from './support/job-fixtures.js';

useRedisDatabase(7);

async function open(options: StoreOptions): Promise<ConversationStore> {
  const store = await createStore(options);
  onCleanup(() => store.close());
  return store;
}

const postgresStore = (options: Partial<StoreOptions> = {}) =>
  open({ url: TEST_DATABASE_URL, schema: freshSchema(), migrate: true, ...options });
const redisStore = (options: Partial<StoreOptions> = {}) =>
  open({ url: redisUrl(), keyPrefix: freshPrefix(), ...options });

/** Three users; a trimmed session (its messages start past seq 1); an empty one; an agent. */
async function seed(store: ConversationStore): Promise<void> {
  await store.putAgent({ agentId: 'guide', name: 'Guide', model: 'm-1', settings: { t: 0.2 } });
  for (const userId of ['alice', 'bob', 'carol']) {
    await store.append({
      userId,
      sessionId: 'chat',
      agentId: 'guide',
      messages: [
        { role: 'system', content: 'be brief', metadata: { z: 1, a: { nested: [1, 'x'] } } },
        { role: 'user', content: `hello from ${userId} — ação 東京`, messageId: `${userId}-1` },
        { role: 'assistant', content: 'hi', metadata: { tokens: 12 } },
      ],
    });
  }
  await store.updateSession({
    userId: 'alice',
    sessionId: 'chat',
    title: 'Trip',
    metadata: { k: 'v' },
  });
  await store.createSession({ userId: 'alice', sessionId: 'empty' });
  for (let i = 0; i < 7; i++) {
    await store.append({
      userId: 'bob',
      sessionId: 'long',
      messages: Array.from({ length: 100 }, (_, j) => ({
        role: 'user' as const,
        content: `${i}.${j}`,
      })),
    });
  }
}

async function lines(store: ConversationStore, options: { userId?: string } = {}) {
  const out: string[] = [];
  const summary = await exportData(store, { ...options, write: (line) => void out.push(line) });
  return { out, summary };
}

async function* iterate(items: string[]): AsyncIterable<string> {
  // As readline hands them over: one line per call, without its newline.
  for (const item of items) yield item.replace(/\n$/, '');
}

async function everything(store: ConversationStore, userId: string, sessionId: string) {
  const session = await store.getSession({ userId, sessionId });
  const messages = [];
  let afterSeq = 0;
  for (;;) {
    const page = await store.history({ userId, sessionId, afterSeq, limit: 1000 });
    messages.push(...page);
    if (page.length < 1000) break;
    afterSeq = page.at(-1)!.seq;
  }
  return { session, messages };
}

describe.skipIf(!available())('export, import and copy', () => {
  it('round-trips every field of every session through NDJSON, and a re-run stores nothing', async () => {
    const source = await postgresStore();
    await seed(source);
    const { out, summary } = await lines(source);
    expect(summary).toMatchObject({ sessions: 5, messages: 3 * 3 + 700, agents: 1 });
    expect(JSON.parse(out.at(-1)!)).toEqual({ type: 'end', sessions: 5, messages: 709 });

    for (const target of [await postgresStore(), await redisStore()]) {
      const first = await importData(target, iterate(out));
      expect(first).toMatchObject({ sessions: 5, messages: 709, inserted: 709, differences: 0 });
      expect(first.verified).toBe(5);
      const again = await importData(target, iterate(out));
      expect(again).toMatchObject({ inserted: 0, differences: 0 });
      for (const [userId, sessionId] of [
        ['alice', 'chat'],
        ['alice', 'empty'],
        ['bob', 'long'],
      ] as const) {
        const want = await everything(source, userId, sessionId);
        const got = await everything(target, userId, sessionId);
        expect(got.messages).toEqual(want.messages);
        expect(got.session).toEqual(want.session);
      }
      expect((await target.listAgents()).map((agent) => agent.agentId)).toEqual(['guide']);
    }
  });

  it('copies postgres into redis (a cache warmed): byte for byte, resumable, TTL from the target', async () => {
    const source = await postgresStore({ maxHistory: 250 });
    await seed(source);
    const data = '{"b":1,"a":[1.0,2e3],"z":{}}';
    await source.append({
      userId: 'carol',
      sessionId: 'framework',
      agentId: 'guide',
      messages: [
        { role: 'user', content: 'call a tool', data, format: 'ai-sdk/v5' },
        {
          role: 'assistant',
          content: '',
          kind: 'tool-call',
          toolCallIds: ['call-1'],
          usage: { model: 'm-1', inputTokens: 12, outputTokens: 3, latencyMs: 250 },
        },
        { role: 'tool', content: '42', kind: 'tool-result', toolResultIds: ['call-1'] },
      ],
    });
    const target = await redisStore({ ttlSeconds: 600 });
    const summary = await copyStore(source, target, { verify: true });
    expect(summary.verification).toEqual({ sessions: 6, differences: 0 });
    const again = await copyStore(source, target, { verify: true });
    expect(again.verification).toEqual({ sessions: 6, differences: 0 });
    expect([again.inserted, again.skipped]).toEqual([0, 6]);
    // A draft still streaming at the source: copied on the next run (after the newest message).
    await source.beginMessage({ userId: 'carol', sessionId: 'framework', content: 'half' });
    expect((await copyStore(source, target)).inserted).toBe(1);

    const want = await everything(source, 'carol', 'framework');
    const got = await everything(target, 'carol', 'framework');
    expect(got.messages.slice(0, 3)).toEqual(want.messages.slice(0, 3));
    expect(got.messages[0]!.data).toBe(data);
    // The draft's lease is not carried: it reads as aborted.
    expect(got.messages[3]!.status).toBe('aborted');
    expect(got.session!.createdAt).toEqual(want.session!.createdAt);
    expect(got.session!.expiresAt!.getTime()).toBeGreaterThan(Date.now());

    // Appends go on from the copied seqs; a copied messageId is a replay.
    const kept = await target.history({ userId: 'bob', sessionId: 'long', afterSeq: 0, limit: 2 });
    expect(kept.map((message) => message.seq)).toEqual([451, 452]);
    const next = await target.append({
      userId: 'bob',
      sessionId: 'long',
      messages: [{ role: 'user', content: 'after the copy' }],
    });
    expect(next.messages[0]!.seq).toBe(701);
    const retry = await target.append({
      userId: 'alice',
      sessionId: 'chat',
      messages: [{ role: 'user', content: 'retried', messageId: 'alice-1' }],
    });
    expect(retry.inserted).toBe(0);
    const listed = await target.listSessions({ userId: 'alice' });
    expect(listed.sessions.map((session) => session.sessionId).sort()).toEqual(['chat', 'empty']);
  });

  it("exports one user's sessions only, without the shared agent catalogue", async () => {
    const source = await postgresStore();
    await seed(source);
    const { out, summary } = await lines(source, { userId: 'carol' });
    expect(summary).toMatchObject({ sessions: 1, messages: 3, agents: 0 });
    expect(out.join('')).not.toContain('alice');
  });

  it('keeps seq and messageIds of a trimmed session, so appends after a copy go on from them', async () => {
    const source = await postgresStore({ maxHistory: 250 });
    await seed(source);
    const target = await postgresStore();
    const summary = await copyStore(source, target, { verify: true });
    expect(summary.verification).toEqual({ sessions: 5, differences: 0 });
    const kept = await target.history({ userId: 'bob', sessionId: 'long', afterSeq: 0, limit: 5 });
    expect(kept.map((message) => message.seq)).toEqual([451, 452, 453, 454, 455]);
    const next = await target.append({
      userId: 'bob',
      sessionId: 'long',
      messages: [{ role: 'user', content: 'after the copy' }],
    });
    expect(next.messages[0]!.seq).toBe(701);
    const retry = await target.append({
      userId: 'alice',
      sessionId: 'chat',
      messages: [{ role: 'user', content: 'retried', messageId: 'alice-1' }],
    });
    expect(retry.inserted).toBe(0);
  });

  it('copies redis into postgres and resumes: a second run stores nothing and skips every session', async () => {
    const source = await redisStore();
    await seed(source);
    const target = await postgresStore();
    const first = await copyStore(source, target, { verify: true });
    expect(first).toMatchObject({ sessions: 5, messages: 709, inserted: 709, agents: 1 });
    expect(first.verification).toEqual({ sessions: 5, differences: 0 });
    const second = await copyStore(source, target, { verify: true });
    expect(second).toMatchObject({ inserted: 0, skipped: 5, messages: 709 });
    expect(second.verification).toEqual({ sessions: 5, differences: 0 });
  });

  it('finds a session that differs from its source when verifying', async () => {
    const source = await postgresStore();
    await seed(source);
    const target = await postgresStore();
    await copyStore(source, target);
    await target.updateSession({ userId: 'carol', sessionId: 'chat', title: 'changed' });
    const differences: string[] = [];
    const summary = await copyStore(source, target, {
      verify: true,
      onDifference: ({ userId, sessionId }) => differences.push(`${userId}/${sessionId}`),
    });
    expect(summary.verification).toEqual({ sessions: 5, differences: 1 });
    expect(differences).toEqual(['carol/chat']);
  });

  it('refuses a malformed or cut export with a ValidationError naming the line', async () => {
    const source = await postgresStore();
    await seed(source);
    const { out } = await lines(source, { userId: 'carol' });
    const target = await postgresStore();
    const broken = [...out];
    broken[2] = '{"type":"message","userId":"carol","sessionId":"chat","message":{"seq":"x"}}\n';
    const error = await importData(target, iterate(broken)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/^line 3\.message/);
    const cut = await importData(target, iterate(out.slice(0, -1))).catch((e: unknown) => e);
    expect((cut as ValidationError).message).toMatch(/cut short/);
    // What was read before the cut is stored; the whole file then completes it.
    expect((await importData(target, iterate(out))).differences).toBe(0);
    const notAnExport = await importData(target, iterate(['{"hello":1}\n'])).catch((e) => e);
    expect(notAnExport).toBeInstanceOf(ValidationError);
  });

  it('stops between sessions when aborted, and the next run completes the copy', async () => {
    const source = await postgresStore();
    await seed(source);
    const target = await postgresStore();
    const controller = new AbortController();
    const stopped = await copyStore(source, target, {
      signal: controller.signal,
      onProgress: ({ phase, done }) => {
        if (phase === 'migrate' && done === 2) controller.abort();
      },
    });
    expect(stopped).toMatchObject({ interrupted: true, sessions: 2 });
    const resumed = await copyStore(source, target, { verify: true });
    expect(resumed).toMatchObject({ interrupted: false, skipped: 2 });
    expect(resumed.verification).toEqual({ sessions: 5, differences: 0 });
  });

  it('continues a half-copied session after its newest message', async () => {
    const source = await postgresStore();
    await seed(source);
    const target = await postgresStore();
    const session = (await source.getSession({ userId: 'bob', sessionId: 'long' }))!;
    const firstPage = await source.history({
      userId: 'bob',
      sessionId: 'long',
      afterSeq: 0,
      limit: 500,
    });
    // What a copy killed after its first page of this session leaves behind.
    await target.capabilities.portability!.importSession({ session, messages: firstPage });
    const summary = await copyStore(source, target, { verify: true });
    expect(summary.inserted).toBe(709 - 500);
    expect(summary.verification).toEqual({ sessions: 5, differences: 0 });
  });

  it('refuses a bad run at importSession itself, on every store, writing nothing', async () => {
    const now = new Date();
    const session = {
      userId: 'alice',
      sessionId: 'chat',
      agentId: null,
      title: null,
      metadata: {},
      createdAt: now,
      updatedAt: now,
      expiresAt: null,
      lastSeq: 2,
      messageCount: 2,
    };
    const message: Message = {
      seq: 1,
      messageId: 'a',
      role: 'user' as const,
      content: 'x',
      metadata: {},
      createdAt: now,
      data: null,
      format: null,
      kind: 'message',
      toolCallIds: [],
      toolResultIds: [],
      status: 'complete',
      version: 1,
      updatedAt: now,
      usage: null,
      tokenCount: 1,
    };
    for (const store of [await postgresStore(), await redisStore()]) {
      for (const messages of [
        [{ ...message, role: 'bot' as 'user' }],
        [{ ...message, seq: 3 }],
        [message, { ...message, messageId: 'b', seq: 1 }],
        [{ ...message, messageId: 'no spaces' }],
        [{ ...message, content: 'nul \u0000' }],
        [{ ...message, status: 'done' as 'complete' }],
      ]) {
        await expect(
          store.capabilities.portability!.importSession({ session, messages }),
        ).rejects.toThrow(ValidationError);
      }
      expect(await store.getSession({ userId: 'alice', sessionId: 'chat' })).toBeNull();
    }
  });

  it('imports into a hybrid store past its cached window: the next read sees the import', async () => {
    const source = await postgresStore();
    await seed(source);
    const target = await open({
      url: TEST_DATABASE_URL,
      schema: freshSchema(),
      migrate: true,
      cache: { url: redisUrl(), keyPrefix: freshPrefix() },
    });
    const key = { userId: 'bob', sessionId: 'long' };
    const session = (await source.getSession(key))!;
    const first = await source.history({ ...key, afterSeq: 0, limit: 500 });
    await target.capabilities.portability!.importSession({ session, messages: first });
    expect((await target.history({ ...key, last: 1 }))[0]!.seq).toBe(500);
    const summary = await copyStore(source, target, { verify: true });
    expect(summary.verification).toEqual({ sessions: 5, differences: 0 });
    expect((await target.history({ ...key, last: 1 }))[0]!.seq).toBe(700);
  });

  it('carries the structured fields of messages (data, kind, tool calls, usage, version) and reads old files with defaults', async () => {
    const source = await postgresStore();
    const key = { userId: 'alice', sessionId: 'tools' };
    const call = JSON.stringify({ type: 'tool-call', toolCallId: 'c1', args: { city: 'Lisboa' } });
    await source.append({
      ...key,
      messages: [
        { role: 'user', content: 'weather?', messageId: 'u1' },
        {
          role: 'assistant',
          content: '',
          data: call,
          format: 'ai-sdk/ui-message',
          kind: 'tool-call',
          toolCallIds: ['c1'],
          usage: { model: 'm-1', provider: 'p', inputTokens: 10, outputTokens: 3, latencyMs: 42 },
          tokenCount: 17,
          messageId: 'a1',
        },
        { role: 'tool', content: '21C', kind: 'tool-result', toolResultIds: ['c1'] },
        { role: 'assistant', content: 'It is 21C', messageId: 'a2' },
      ],
    });
    await source.updateMessage({ ...key, messageId: 'a2', content: 'It is 21C and sunny' });
    const draft = await source.beginMessage({ ...key, content: 'thinking' });
    await source.finalizeMessage({
      ...key,
      messageId: draft.message.messageId,
      lease: draft.lease,
      status: 'error',
    });
    const { out } = await lines(source, { userId: 'alice' });
    const target = await postgresStore();
    const imported = await importData(target, iterate(out));
    expect(imported).toMatchObject({ sessions: 1, messages: 5, inserted: 5, differences: 0 });

    const before = await everything(source, key.userId, key.sessionId);
    const after = await everything(target, key.userId, key.sessionId);
    expect(after.messages).toEqual(before.messages);
    const stored = after.messages.find((m) => m.messageId === 'a1')!;
    expect(stored).toMatchObject({
      data: call,
      format: 'ai-sdk/ui-message',
      kind: 'tool-call',
      toolCallIds: ['c1'],
      usage: { model: 'm-1', provider: 'p', inputTokens: 10, outputTokens: 3, latencyMs: 42 },
      tokenCount: 17,
    });
    expect(after.messages.find((m) => m.messageId === 'a2')).toMatchObject({ version: 2 });
    expect(after.messages.at(-1)!.status).toBe('error');
    // The tool calls are indexed as an append would: a window never starts with the result.
    const window = await target.history({ ...key, last: 3, align: 'tool-pairs' });
    expect(window.map((m) => m.messageId)[0]).toBe('a1');

    // A file written before messages had these fields: each gets its default.
    const old = out.map((line) => {
      const record = JSON.parse(line);
      if (record.type !== 'message') return line;
      const { seq, messageId, role, content, metadata, createdAt } = record.message;
      return `${JSON.stringify({ ...record, message: { seq, messageId, role, content, metadata, createdAt } })}\n`;
    });
    const plain = await postgresStore();
    await importData(plain, iterate(old), { verify: false });
    const [first] = await plain.history({ ...key, afterSeq: 0, limit: 1 });
    expect(first).toMatchObject({
      messageId: 'u1',
      data: null,
      format: null,
      kind: 'message',
      toolCallIds: [],
      status: 'complete',
      version: 1,
      usage: null,
      tokenCount: 2,
    });
    expect(first!.updatedAt).toEqual(first!.createdAt);
  });

  it('answers UnsupportedError for a store without export', async () => {
    const source = await postgresStore();
    const bare = { ...source, kind: 'postgres', capabilities: {} } as ConversationStore;
    await expect(copyStore(bare, source)).rejects.toThrow(UnsupportedError);
  });
});
