import { expect, it } from 'vitest';
import { describeContract, openStore } from '../support/store-under-test.js';

const key = { userId: 'alice', sessionId: 's1' };

/** A UIMessage as the AI SDK sends it: key order, escapes and fields convstore does not know. */
const uiMessage =
  '{"id":"msg-1","role":"assistant","parts":[{"type":"step-start"},{"type":"reasoning",' +
  '"text":"hm","providerMetadata":{"openai":{"itemId":"rs_1","reasoningEncryptedContent":"gAAA"}}},' +
  '{"type":"text","text":"a\\u0000b \\ud83d\\ude00","state":"done"},{"type":"tool-weather",' +
  '"toolCallId":"call_1","state":"output-available","input":{"city":"Lisbon"},"output":{"t":21}}],' +
  '"metadata":{"z":1,"a":2},"futureField":{"b":[1,2,3],"a":null}}';

describeContract('structured messages', () => {
  it('keeps the framework data byte for byte, with every new field', async () => {
    const store = await openStore();
    const { messages } = await store.append({
      ...key,
      messages: [
        {
          role: 'assistant',
          data: uiMessage,
          format: 'ai-sdk/ui-message',
          kind: 'message',
          toolCallIds: ['call_1'],
          toolResultIds: ['call_1'],
          usage: { model: 'gpt-x', inputTokens: 12, outputTokens: 3, finishReason: 'stop' },
          tokenCount: 7,
          messageId: 'msg-1',
        },
        { role: 'user', content: 'plain', messageId: 'msg-2' },
      ],
    });
    expect(messages[0]).toMatchObject({
      seq: 1,
      content: '',
      data: uiMessage,
      format: 'ai-sdk/ui-message',
      toolCallIds: ['call_1'],
      toolResultIds: ['call_1'],
      status: 'complete',
      version: 1,
      tokenCount: 7,
      usage: { model: 'gpt-x', inputTokens: 12, outputTokens: 3, finishReason: 'stop' },
    });
    const history = await store.history(key);
    expect(history).toEqual(messages);
    expect(history[0]!.data).toBe(uiMessage);
    expect(history[1]).toMatchObject({
      data: null,
      format: null,
      kind: 'message',
      toolCallIds: [],
      status: 'complete',
      usage: null,
      tokenCount: 2,
    });
    expect(history[1]!.updatedAt).toEqual(history[1]!.createdAt);
  });

  it('keeps a 3 MiB file part exactly', async () => {
    const store = await openStore();
    const url = `data:image/png;base64,${'A'.repeat(3 * 1024 * 1024)}`;
    const data = JSON.stringify({ id: 'f', role: 'user', parts: [{ type: 'file', url }] });
    await store.append({ ...key, messages: [{ role: 'user', data, content: 'a picture' }] });
    const [stored] = await store.history(key);
    expect(stored!.data!.length).toBe(data.length);
    expect(stored!.data).toBe(data);
  });

  it('refuses data that is not JSON, and a message with neither content nor data', async () => {
    const store = await openStore();
    await expect(
      store.append({ ...key, messages: [{ role: 'user', data: '{"open":' }] }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(store.append({ ...key, messages: [{ role: 'user' }] })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect(await store.getSession(key)).toBeNull();
  });

  it('updates only the fields given, counting versions, and refuses a stale version', async () => {
    const store = await openStore();
    await store.append({
      ...key,
      messages: [{ role: 'user', content: 'first', metadata: { a: 1 }, messageId: 'm1' }],
    });
    const updated = await store.updateMessage({
      ...key,
      messageId: 'm1',
      content: 'edited',
      usage: { latencyMs: 40 },
    });
    expect(updated).toMatchObject({
      content: 'edited',
      metadata: { a: 1 },
      version: 2,
      usage: { latencyMs: 40 },
    });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(updated.createdAt.getTime());
    await expect(
      store.updateMessage({ ...key, messageId: 'm1', expectedVersion: 1, content: 'lost' }),
    ).rejects.toMatchObject({ code: 'version_conflict' });
    const again = await store.updateMessage({
      ...key,
      messageId: 'm1',
      expectedVersion: 2,
      data: '{"x":1}',
    });
    expect(again).toMatchObject({ content: 'edited', data: '{"x":1}', version: 3 });
    expect((await store.history(key))[0]).toEqual(again);
    await expect(
      store.updateMessage({ ...key, messageId: 'nope', content: 'x' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      store.updateMessage({ userId: 'bob', sessionId: 's1', messageId: 'm1', content: 'x' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('lets exactly one of concurrent updates with the same expectedVersion win', async () => {
    const store = await openStore();
    await store.append({ ...key, messages: [{ role: 'user', content: 'v1', messageId: 'm1' }] });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        store.updateMessage({ ...key, messageId: 'm1', expectedVersion: 1, content: `w${i}` }),
      ),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const lost of outcomes.filter((o) => o.status === 'rejected')) {
      expect((lost as PromiseRejectedResult).reason).toMatchObject({ code: 'version_conflict' });
    }
    const [stored] = await store.history(key);
    expect(stored).toMatchObject({ version: 2 });
    expect(stored!.content).toBe(
      (won[0] as PromiseFulfilledResult<{ content: string }>).value.content,
    );
  });

  it('truncates after a seq or a messageId, and never reuses a seq', async () => {
    const store = await openStore();
    const ids = ['a', 'b', 'c', 'd', 'e'];
    await store.append({
      ...key,
      messages: ids.map((id) => ({ role: 'user' as const, content: id, messageId: id })),
    });
    expect(await store.truncate({ ...key, afterSeq: 4 })).toEqual({ deleted: 1 });
    expect(await store.truncate({ ...key, afterMessageId: 'c' })).toEqual({ deleted: 1 });
    expect(await store.truncate({ ...key, afterMessageId: 'b', inclusive: true })).toEqual({
      deleted: 2,
    });
    await expect(store.truncate({ ...key, afterMessageId: 'gone' })).rejects.toMatchObject({
      code: 'not_found',
    });
    const { messages, session } = await store.append({
      ...key,
      messages: [{ role: 'user', content: 'next' }],
    });
    expect(messages[0]!.seq).toBe(6);
    expect(session).toMatchObject({ lastSeq: 6, messageCount: 2 });
    expect((await store.history(key)).map((m) => m.seq)).toEqual([1, 6]);
  });

  it('pops the newest message atomically: concurrent pops never return the same one', async () => {
    const store = await openStore();
    await store.append({
      ...key,
      messages: Array.from({ length: 6 }, (_, i) => ({ role: 'user' as const, content: `m${i}` })),
    });
    const popped = await Promise.all(Array.from({ length: 8 }, () => store.popMessage(key)));
    const seqs = popped.filter((m) => m !== null).map((m) => m!.seq);
    expect(seqs.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(popped.filter((m) => m === null)).toHaveLength(2);
    expect(await store.history(key)).toEqual([]);
    expect(await store.getSession(key)).toMatchObject({ lastSeq: 6, messageCount: 0 });
    expect(await store.popMessage({ userId: 'bob', sessionId: 's1' }).catch((e) => e.code)).toBe(
      'not_found',
    );
  });

  it('clears a session and deletes messages by id, keeping the session', async () => {
    const store = await openStore();
    await store.append({
      ...key,
      messages: ['a', 'b', 'c'].map((id) => ({
        role: 'user' as const,
        content: id,
        messageId: id,
      })),
    });
    expect(await store.deleteMessages({ ...key, messageIds: ['b', 'missing'] })).toEqual({
      deleted: 1,
    });
    expect((await store.history(key)).map((m) => m.messageId)).toEqual(['a', 'c']);
    expect(await store.clearMessages(key)).toEqual({ deleted: 2 });
    expect(await store.history(key)).toEqual([]);
    expect(await store.getSession(key)).toMatchObject({ lastSeq: 3, messageCount: 0 });
    const { messages } = await store.append({ ...key, messages: [{ role: 'user', content: 'd' }] });
    expect(messages[0]!.seq).toBe(4);
  });
});
