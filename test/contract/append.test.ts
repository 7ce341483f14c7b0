import { describe, expect, it } from 'vitest';
import { describeContract, openStore, STORE_UNDER_TEST } from '../support/store-under-test.js';

describeContract('append', () => {
  it('creates the session on the first append and numbers messages from 1', async () => {
    const store = await openStore();
    const { session, messages } = await store.append({
      userId: 'alice',
      sessionId: 's1',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello', metadata: { tokens: 1 } },
      ],
    });
    expect(session).toMatchObject({
      userId: 'alice',
      sessionId: 's1',
      lastSeq: 2,
      messageCount: 2,
    });
    expect(messages.map((m) => [m.seq, m.role, m.content])).toEqual([
      [1, 'system', 'be brief'],
      [2, 'user', 'hello'],
    ]);
    expect(messages[1]!.metadata).toEqual({ tokens: 1 });
    expect(messages[0]!.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(messages[0]!.createdAt).toBeInstanceOf(Date);
    expect(await store.getSession({ userId: 'alice', sessionId: 's1' })).toMatchObject({
      lastSeq: 2,
      messageCount: 2,
    });
  });

  it('continues the sequence on later appends', async () => {
    const store = await openStore();
    const key = { userId: 'alice', sessionId: 's1' };
    await store.append({ ...key, messages: [{ role: 'user', content: 'one' }] });
    const { messages } = await store.append({
      ...key,
      messages: [
        { role: 'assistant', content: 'two' },
        { role: 'user', content: 'three' },
      ],
    });
    expect(messages.map((m) => m.seq)).toEqual([2, 3]);
  });

  it('stores a retried messageId once and returns the stored original', async () => {
    const store = await openStore();
    const key = { userId: 'alice', sessionId: 's1' };
    const first = await store.append({
      ...key,
      messages: [{ role: 'user', content: 'original', messageId: 'm-1' }],
    });
    const retry = await store.append({
      ...key,
      messages: [
        { role: 'user', content: 'original', messageId: 'm-1' },
        { role: 'assistant', content: 'new', messageId: 'm-2' },
      ],
    });
    expect(first.inserted).toBe(1);
    expect(retry.inserted).toBe(1);
    expect(retry.messages[0]).toEqual(first.messages[0]);
    expect(retry.messages[1]).toMatchObject({ seq: 2, messageId: 'm-2' });
    const again = await store.append({
      ...key,
      messages: [{ role: 'user', content: 'original', messageId: 'm-1' }],
    });
    expect(again.inserted).toBe(0);
    expect(again.session.lastSeq).toBe(2);
    const history = await store.history(key);
    expect(history.map((m) => [m.seq, m.messageId, m.content])).toEqual([
      [1, 'm-1', 'original'],
      [2, 'm-2', 'new'],
    ]);
  });

  it('refuses a retried messageId whose fields differ, and writes nothing', async () => {
    const store = await openStore();
    const key = { userId: 'alice', sessionId: 's1' };
    await store.append({
      ...key,
      messages: [{ role: 'user', content: 'original', messageId: 'm-1' }],
    });
    const before = await store.getSession(key);
    for (const changed of [
      { role: 'user' as const, content: 'changed on retry', messageId: 'm-1' },
      { role: 'assistant' as const, content: 'original', messageId: 'm-1' },
      { role: 'user' as const, content: 'original', messageId: 'm-1', metadata: { k: 1 } },
    ]) {
      await expect(
        store.append({
          ...key,
          messages: [changed, { role: 'assistant', content: 'other', messageId: 'm-2' }],
        }),
      ).rejects.toMatchObject({ code: 'idempotency_mismatch' });
    }
    const history = await store.history(key);
    expect(history.map((m) => [m.seq, m.messageId, m.content])).toEqual([[1, 'm-1', 'original']]);
    expect(await store.getSession(key)).toEqual(before);
  });

  it('changes nothing on a pure retry: not the activity time, not the expiry', async () => {
    const store = await openStore({ ttlSeconds: 3600 });
    const key = { userId: 'alice', sessionId: 's1' };
    const message = { role: 'user' as const, content: 'hello', messageId: 'm-1' };
    const first = await store.append({ ...key, messages: [message] });
    await store.append({ ...key, sessionId: 's2', messages: [{ role: 'user', content: 'later' }] });
    const retry = await store.append({ ...key, messages: [message] });
    expect(retry.inserted).toBe(0);
    expect(retry.session.updatedAt).toEqual(first.session.updatedAt);
    expect(retry.session.expiresAt).toEqual(first.session.expiresAt);
    expect(await store.getSession(key)).toMatchObject({
      updatedAt: first.session.updatedAt,
      expiresAt: first.session.expiresAt,
    });
    const { sessions } = await store.listSessions({ userId: 'alice' });
    expect(sessions.map((s) => s.sessionId)).toEqual(['s2', 's1']);
  });

  it('gives concurrent appends to a new session one session and seq 1..n', async () => {
    const store = await openStore();
    const key = { userId: 'alice', sessionId: 'busy' };
    const n = 40;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        store.append({ ...key, messages: [{ role: 'user', content: `m${i}` }] }),
      ),
    );
    const seqs = results.map((r) => r.messages[0]!.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const history = await store.history({ ...key, last: n });
    expect(history.map((m) => m.seq)).toEqual(seqs);
    expect(new Set(history.map((m) => m.content)).size).toBe(n);
    const { sessions } = await store.listSessions({ userId: 'alice' });
    expect(sessions).toHaveLength(1);
  });

  it('stores concurrent retries of one messageId once, without a gap in seq', async () => {
    const store = await openStore();
    const key = { userId: 'alice', sessionId: 'retries' };
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.append({
          ...key,
          messages: [{ role: 'user', content: `message ${i % 4}`, messageId: `m-${i % 4}` }],
        }),
      ),
    );
    const history = await store.history(key);
    expect(history.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(new Set(history.map((m) => m.messageId))).toEqual(new Set(['m-0', 'm-1', 'm-2', 'm-3']));
    for (const attempt of attempts) {
      const stored = history.find((m) => m.messageId === attempt.messages[0]!.messageId);
      expect(attempt.messages[0]).toEqual(stored);
    }
  });

  it('trims to the newest maxHistory messages and keeps counting seq', async () => {
    const store = await openStore({ maxHistory: 3 });
    const key = { userId: 'alice', sessionId: 's1' };
    for (let i = 1; i <= 5; i++) {
      await store.append({ ...key, messages: [{ role: 'user', content: `m${i}` }] });
    }
    const { messages, session } = await store.append({
      ...key,
      messages: [
        { role: 'user', content: 'm6' },
        { role: 'user', content: 'm7' },
      ],
    });
    expect(messages.map((m) => m.seq)).toEqual([6, 7]);
    expect(session).toMatchObject({ lastSeq: 7, messageCount: 3 });
    const history = await store.history(key);
    expect(history.map((m) => m.content)).toEqual(['m5', 'm6', 'm7']);
  });

  it('returns every message of a batch larger than maxHistory, keeping the newest', async () => {
    const store = await openStore({ maxHistory: 2 });
    const key = { userId: 'alice', sessionId: 's1' };
    const { messages, session } = await store.append({
      ...key,
      messages: ['a', 'b', 'c', 'd'].map((content) => ({ role: 'user' as const, content })),
    });
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(session.messageCount).toBe(2);
    expect((await store.history(key)).map((m) => m.content)).toEqual(['c', 'd']);
  });

  it('sets the agent when given and keeps it when not', async () => {
    const store = await openStore();
    const key = { userId: 'alice', sessionId: 's1' };
    const first = await store.append({
      ...key,
      agentId: 'helper',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(first.session.agentId).toBe('helper');
    const second = await store.append({ ...key, messages: [{ role: 'user', content: 'again' }] });
    expect(second.session.agentId).toBe('helper');
    // A label a session names is not published in the shared catalogue (only putAgent does).
    expect((await store.listAgents()).map((a) => a.agentId)).not.toContain('helper');
  });

  it('stores unicode, empty and long content exactly', async () => {
    const store = await openStore();
    const key = { userId: 'alice', sessionId: 's1' };
    const contents = [
      '',
      'olá, ação! 你好 🌍 \u{1F600}',
      'x'.repeat(200_000),
      'line\nbreak\ttab "quote" \\',
    ];
    await store.append({
      ...key,
      messages: contents.map((content) => ({ role: 'user', content })),
    });
    expect((await store.history(key)).map((m) => m.content)).toEqual(contents);
  });
});

describe('contract harness', () => {
  it('runs against the store its project names', () => {
    expect(STORE_UNDER_TEST).toBe(process.env.CONVSTORE_TEST_STORE);
  });
});
