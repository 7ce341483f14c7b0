import { validateUIMessages, type UIMessage } from 'ai-v6';
import { MockLanguageModelV3 } from 'ai-v6/test';
import { expect, it } from 'vitest';
import { v6Route, tools } from './support/ai-v6-route.js';
import { finish, partStream, textParts, toolCall, type Part } from './support/model-parts.js';
import { describeStores } from './support/stores.js';
import { uiChunks } from './support/ui-stream.js';

type Options = Parameters<MockLanguageModelV3['doStream']>[0];
/** ai 6's tool() and validateUIMessages name the Tool type of two provider-utils copies. */
type ValidateTools = Parameters<typeof validateUIMessages>[0]['tools'];
type StreamOf = Awaited<ReturnType<MockLanguageModelV3['doStream']>>['stream'];

function scripted(steps: Array<(options: Options) => Part[] | Promise<Part[]>>, hold = false) {
  let calls = 0;
  return new MockLanguageModelV3({
    doStream: async (options) => {
      const step = steps[calls++];
      if (!step) throw new Error(`no step ${calls} in the script`);
      const last = calls === steps.length;
      const signal = hold && last ? (options.abortSignal ?? undefined) : undefined;
      return { stream: partStream(await step(options), signal) as StreamOf };
    },
  });
}

const user = (id: string, text: string): UIMessage => ({
  id,
  role: 'user',
  parts: [{ type: 'text', text }],
});

async function drain(response: Response) {
  for await (const _ of uiChunks(response)) {
    // read to the end, as the browser does
  }
}

describeStores(`convstore/ai-sdk on ai 6 (node ${process.versions.node})`, (open) => {
  it('checkpoints each step, finalizes the reply and reloads a valid chat', async () => {
    const store = await open();
    let duringStep2: unknown;
    const model = scripted([
      () => [toolCall('call-1', 'weather', { city: 'Porto' }), finish('tool-calls')],
      async () => {
        await route.stepsPersisted(1);
        duringStep2 = (await store.history({ userId: 'alice', sessionId: 'v6' })).at(-1);
        return [...textParts('t', 'Sunny in Porto.'), finish('stop')];
      },
    ]);
    const route = v6Route(store, model);
    await drain(await route.post('v6', user('u1', 'Weather in Porto?')));
    await route.ended(1);
    expect(duringStep2).toMatchObject({ status: 'streaming', toolCallIds: ['call-1'] });
    const stored = await store.history({ userId: 'alice', sessionId: 'v6' });
    expect(stored.map((m) => [m.role, m.status, m.content])).toEqual([
      ['user', 'complete', 'Weather in Porto?'],
      ['assistant', 'complete', 'Sunny in Porto.'],
    ]);
    const loaded = await route.persistence.loadChat({ userId: 'alice', chatId: 'v6' });
    expect(stored[1]!.data).toBe(JSON.stringify(loaded[1]));
    await expect(
      validateUIMessages({ messages: loaded, tools: tools as ValidateTools }),
    ).resolves.toHaveLength(2);
  });

  it('stores an aborted stream with what had arrived', async () => {
    const store = await open();
    const model = scripted([() => textParts('t', 'Half a').slice(0, 2)], true);
    const route = v6Route(store, model);
    const stop = new AbortController();
    const response = await route.post('v6b', user('u1', 'Go on.'), stop.signal);
    for await (const chunk of uiChunks(response)) {
      if (chunk.type === 'text-delta') {
        stop.abort();
        break;
      }
    }
    await route.ended(1);
    const stored = await store.history({ userId: 'alice', sessionId: 'v6b' });
    expect(stored.map((m) => [m.role, m.status, m.content])).toEqual([
      ['user', 'complete', 'Go on.'],
      ['assistant', 'aborted', 'Half a'],
    ]);
    const loaded = await route.persistence.loadChat({ userId: 'alice', chatId: 'v6b' });
    await expect(
      validateUIMessages({ messages: loaded, tools: tools as ValidateTools }),
    ).resolves.toHaveLength(2);
  });
});
