import { validateUIMessages, type UIMessage } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import type { ConversationStore } from '../../src/index.js';
import { UI_MESSAGE_FORMAT } from '../../src/adapters/ai-sdk/index.js';
import { main } from '../../examples/ai-sdk/main.js';
import { v7Route, tools } from './support/ai-v7-route.js';
import { finish, partStream, textParts, toolCall, type Part } from './support/model-parts.js';
import { describeStores } from './support/stores.js';
import { uiChunks } from './support/ui-stream.js';

type Options = Parameters<MockLanguageModelV3['doStream']>[0];
type StreamOf = Awaited<ReturnType<MockLanguageModelV3['doStream']>>['stream'];

/** A mock model that plays one script entry per call (a step), holding the options it got. */
function scripted(steps: Array<(options: Options) => Part[] | Promise<Part[]>>, hold = false) {
  const calls: Options[] = [];
  const model = new MockLanguageModelV3({
    doStream: async (options) => {
      calls.push(options);
      const step = steps[calls.length - 1];
      if (!step) throw new Error(`no step ${calls.length} in the script`);
      const last = calls.length === steps.length;
      return {
        stream: partStream(
          await step(options),
          hold && last ? (options.abortSignal ?? undefined) : undefined,
        ) as StreamOf,
      };
    },
  });
  return { model, calls };
}

const user = (id: string, text: string): UIMessage => ({
  id,
  role: 'user',
  parts: [{ type: 'text', text }],
});

async function drain(response: Response) {
  const chunks: Array<Record<string, unknown>> = [];
  for await (const chunk of uiChunks(response)) chunks.push(chunk);
  return chunks;
}

async function expectValid(messages: UIMessage[]) {
  await expect(validateUIMessages({ messages, tools })).resolves.toHaveLength(messages.length);
}

describeStores(`convstore/ai-sdk on ai 7 (node ${process.versions.node})`, (open) => {
  let store: ConversationStore;
  const key = (chatId: string) => ({ userId: 'alice', sessionId: chatId });

  it('stores a multi-step tool reply byte for byte, with its tool links and usage', async () => {
    store = await open();
    let seenDuringStep2: unknown;
    const { model } = scripted([
      () => [toolCall('call-1', 'weather', { city: 'Lisbon' }), finish('tool-calls')],
      async () => {
        // Step 1 has ended: once its checkpoint is written, the draft is in the store.
        await route.stepsPersisted(1);
        seenDuringStep2 = (await store.history(key('c1'))).at(-1);
        return [...textParts('t1', 'It is 21 °C in Lisbon.'), finish('stop')];
      },
    ]);
    const route = v7Route(store, model);
    await drain(await route.post('c1', user('u1', 'Weather in Lisbon?')));
    const [end] = await route.ended(1);

    expect(seenDuringStep2).toMatchObject({
      role: 'assistant',
      status: 'streaming',
      toolCallIds: ['call-1'],
      toolResultIds: ['call-1'],
    });
    const stored = await store.history(key('c1'));
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    const reply = stored[1]!;
    expect(reply.messageId).toBe(end!.responseMessage.id);
    expect(reply.data).toBe(JSON.stringify(end!.responseMessage));
    expect(reply.format).toBe(UI_MESSAGE_FORMAT);
    expect(reply.content).toBe('It is 21 °C in Lisbon.');
    expect(reply.toolCallIds).toEqual(['call-1']);
    expect(reply.toolResultIds).toEqual(['call-1']);
    expect(reply.usage).toMatchObject({
      model: 'mock-1',
      inputTokens: 60,
      outputTokens: 24,
      cachedInputTokens: 20,
      reasoningTokens: 8,
      finishReason: 'stop',
    });
    expect(stored[0]!.data).toBe(JSON.stringify(user('u1', 'Weather in Lisbon?')));

    const loaded = await route.persistence.loadChat({ userId: 'alice', chatId: 'c1' });
    expect(loaded).toEqual(end!.messages);
    await expectValid(loaded);
  });

  it('gives back reasoning with its providerMetadata intact and the ids time-ordered', async () => {
    store = await open();
    const providerMetadata = {
      openai: { itemId: 'rs_123', reasoningEncryptedContent: 'gAAAA\u0000==' },
    };
    const { model } = scripted([
      () => [
        { type: 'reasoning-start', id: 'r1', providerMetadata },
        { type: 'reasoning-delta', id: 'r1', delta: 'Thinking.' },
        { type: 'reasoning-end', id: 'r1', providerMetadata },
        ...textParts('t1', 'Done.'),
        finish('stop'),
      ],
      () => [...textParts('t2', 'Again.'), finish('stop')],
    ]);
    const route = v7Route(store, model);
    await drain(await route.post('c2', user('u1', 'Think.')));
    await drain(await route.post('c2', user('u2', 'Again.')));
    await route.ended(2);
    const loaded = await route.persistence.loadChat({ userId: 'alice', chatId: 'c2' });
    const reasoning = loaded[1]!.parts.find((part) => part.type === 'reasoning');
    expect(reasoning).toMatchObject({ text: 'Thinking.', providerMetadata });
    const replyIds = [loaded[1]!.id, loaded[3]!.id];
    expect([...replyIds].sort()).toEqual(replyIds);
    await expectValid(loaded);
  });

  it('stores a stream stopped mid-reply as aborted, with what had arrived', async () => {
    store = await open();
    const { model } = scripted([() => [...textParts('t1', 'The first half')].slice(0, 2)], true);
    const route = v7Route(store, model);
    const stop = new AbortController();
    const response = await route.post('c3', user('u1', 'Tell me a long story.'), stop.signal);
    for await (const chunk of uiChunks(response)) {
      if (chunk.type === 'text-delta') {
        stop.abort();
        break;
      }
    }
    const [end] = await route.ended(1);
    expect(end!.isAborted).toBe(true);
    const stored = await store.history(key('c3'));
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'aborted'],
    ]);
    expect(stored[1]!.content).toBe('The first half');
    const loaded = await route.persistence.loadChat({ userId: 'alice', chatId: 'c3' });
    expect(loaded[1]).toEqual(end!.responseMessage);
    await expectValid(loaded);
  });

  it('updates the reply in place after a tool approval (a continuation)', async () => {
    store = await open();
    const { model } = scripted([
      () => [toolCall('call-9', 'deleteFile', { path: '/tmp/x' }), finish('tool-calls')],
      () => [...textParts('t1', 'Deleted /tmp/x.'), finish('stop')],
    ]);
    const route = v7Route(store, model);
    await drain(await route.post('c4', user('u1', 'Delete /tmp/x')));
    await route.ended(1);
    const [, pending] = await route.persistence.loadChat({ userId: 'alice', chatId: 'c4' });
    const asked = (await store.history(key('c4')))[1]!;
    expect(asked.kind).toBe('tool-call');
    const part = pending!.parts.find((p) => p.type === 'tool-deleteFile') as {
      state: string;
      approval: { id: string };
    };
    expect(part.state).toBe('approval-requested');

    // The browser's addToolApprovalResponse, then sendMessage of that assistant message.
    const approved: UIMessage = {
      ...pending!,
      parts: pending!.parts.map((p) =>
        p === (part as unknown)
          ? { ...part, state: 'approval-responded', approval: { ...part.approval, approved: true } }
          : p,
      ) as UIMessage['parts'],
    };
    await drain(await route.post('c4', approved));
    const [, end] = await route.ended(2);
    expect(end!.isContinuation).toBe(true);

    const stored = await store.history(key('c4'));
    expect(stored.map((m) => [m.messageId, m.status, m.kind])).toEqual([
      ['u1', 'complete', 'message'],
      [pending!.id, 'complete', 'message'],
    ]);
    expect(stored[1]!.version).toBeGreaterThan(asked.version);
    expect(stored[1]!.data).toBe(JSON.stringify(end!.responseMessage));
    expect(stored[1]!.content).toContain('Deleted /tmp/x.');
    await expectValid(await route.persistence.loadChat({ userId: 'alice', chatId: 'c4' }));
  });

  it('edits a user message in place, dropping what followed, and regenerates by truncating', async () => {
    store = await open();
    const { model } = scripted([
      () => [...textParts('a', 'One.'), finish('stop')],
      () => [...textParts('b', 'Two.'), finish('stop')],
      () => [...textParts('c', 'Edited.'), finish('stop')],
      () => [...textParts('d', 'Regenerated.'), finish('stop')],
    ]);
    const route = v7Route(store, model);
    await drain(await route.post('c5', user('u1', 'First')));
    await drain(await route.post('c5', user('u2', 'Second')));
    await drain(await route.post('c5', user('u1', 'First, edited')));
    await route.ended(3);
    let stored = await store.history(key('c5'));
    expect(stored.map((m) => m.content)).toEqual(['First, edited', 'Edited.']);
    expect(stored[0]!.messageId).toBe('u1');

    // Regenerate: the client drops the reply and sends its last user message again.
    await drain(await route.post('c5', user('u1', 'First, edited')));
    await route.ended(4);
    stored = await store.history(key('c5'));
    expect(stored.map((m) => m.content)).toEqual(['First, edited', 'Regenerated.']);
    // Seqs are never reused: the gap marks what was removed.
    expect(stored[1]!.seq).toBeGreaterThan(4);
  });

  it('saveChat is idempotent, updates changed messages and truncates a shorter list', async () => {
    store = await open();
    const persistence = v7Route(store, scripted([]).model).persistence;
    const chat = { userId: 'alice', chatId: 'c6' };
    const list: UIMessage[] = [
      user('m1', 'a'),
      { id: 'm2', role: 'assistant', parts: [{ type: 'text', text: 'b' }], metadata: { x: 1 } },
      user('m3', 'c'),
    ];
    await persistence.saveChat({ ...chat, messages: list });
    const first = await store.history(key('c6'));
    await persistence.saveChat({ ...chat, messages: list });
    expect(await store.history(key('c6'))).toEqual(first);

    const changed = [list[0]!, { ...list[1]!, parts: [{ type: 'text' as const, text: 'b!' }] }];
    await persistence.saveChat({ ...chat, messages: changed });
    const after = await store.history(key('c6'));
    expect(after.map((m) => [m.messageId, m.content, m.version])).toEqual([
      ['m1', 'a', 1],
      ['m2', 'b!', 2],
    ]);
    expect(after[1]!.data).toBe(JSON.stringify(changed[1]));
    expect(await persistence.loadChat(chat)).toEqual(changed);
  });

  it('keeps every part kind byte for byte: files of MiBs, data and source parts, unknown keys, NUL', async () => {
    store = await open();
    const persistence = v7Route(store, scripted([]).model).persistence;
    const chat = { userId: 'alice', chatId: 'c8' };
    const file = `data:image/png;base64,${Buffer.alloc(3 * 1024 * 1024, 7)
      .toString('base64')
      .slice(0, 3 * 1024 * 1024)}`;
    const rich = [
      {
        id: 'r1',
        role: 'user',
        metadata: { sentAt: '2026-12-01T10:00:00Z' },
        parts: [
          { type: 'text', text: 'Look\u0000 at this', futureField: { x: [1, 2] } },
          { type: 'file', mediaType: 'image/png', filename: 'big.png', url: file },
        ],
      },
      {
        id: 'r2',
        role: 'assistant',
        parts: [
          { type: 'step-start' },
          { type: 'source-url', sourceId: 's1', url: 'https://example.com', title: 'Ex' },
          { type: 'data-weather', id: 'd1', data: { city: 'Lisbon', celsius: 21 } },
          {
            type: 'text',
            text: 'Done.',
            state: 'done',
            providerMetadata: { openai: { itemId: 'msg_1' } },
          },
        ],
      },
    ] as unknown as UIMessage[];
    await persistence.saveChat({ ...chat, messages: rich });
    const stored = await store.history(key('c8'));
    expect(stored.map((m) => m.data)).toEqual(rich.map((m) => JSON.stringify(m)));
    expect(stored[0]!.content).toBe('Look at this');
    const loaded = await persistence.loadChat(chat);
    expect(loaded).toEqual(rich);
    expect(JSON.stringify(loaded)).toBe(JSON.stringify(rich));
    await expectValid(loaded);
  });

  it('stores a reply whose model call failed as error', async () => {
    store = await open();
    const { model } = scripted([
      () => [...textParts('t1', 'Partial'), { type: 'error', error: new Error('overloaded') }],
    ]);
    const route = v7Route(store, model);
    await drain(await route.post('c9', user('u1', 'Hello?')));
    const [end] = await route.ended(1);
    expect(end!.finishReason).toBe('error');
    const stored = await store.history(key('c9'));
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'error'],
    ]);
    expect(stored[1]!.data).toBe(JSON.stringify(end!.responseMessage));
  });

  it('loads the newest messages, or those within a token budget, and [] for an unknown chat', async () => {
    store = await open();
    const persistence = v7Route(store, scripted([]).model).persistence;
    const chat = { userId: 'alice', chatId: 'c7' };
    const messages = Array.from({ length: 6 }, (_, i) => user(`w${i}`, `message ${i}`));
    await persistence.saveChat({ ...chat, messages });
    expect((await persistence.loadChat({ ...chat, last: 2 })).map((m) => m.id)).toEqual([
      'w4',
      'w5',
    ]);
    const budget = await persistence.loadChat({ ...chat, tokenBudget: 1 });
    expect(budget.length).toBeLessThan(messages.length);
    expect(budget.map((m) => m.id)).toEqual(messages.slice(6 - budget.length).map((m) => m.id));
    expect(await persistence.loadChat({ userId: 'alice', chatId: 'none' })).toEqual([]);
  });

  it('runs examples/ai-sdk/main.ts', async () => {
    const chat = await main(open());
    expect(chat.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(chat[1]!.parts.some((p) => p.type === 'tool-weather')).toBe(true);
    await expectValid(chat);
  });
});

describe('convstore/ai-sdk exports', () => {
  it('generateMessageId is time-ordered', async () => {
    const { createAiSdkPersistence } = await import('../../src/adapters/ai-sdk/index.js');
    const persistence = createAiSdkPersistence({ store: {} as ConversationStore });
    const ids = Array.from({ length: 50 }, () => persistence.generateMessageId());
    expect([...ids].sort()).toEqual(ids);
  });
});
