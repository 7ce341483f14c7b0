// Runs the chat route end to end on an embedded PGlite store, with a scripted model so that it
// needs no API key: `npx tsx examples/ai-sdk/main.ts`. Swap in a real model, e.g.
// `import { openai } from '@ai-sdk/openai'; model: openai('gpt-5-mini')`.
import type { UIMessage } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { createStore } from 'convstore';
import { createChatRoute } from './chat-route.js';

/** A model that calls the weather tool, then answers from its result. */
export function scriptedModel(): MockLanguageModelV3 {
  const usage = {
    inputTokens: { total: 12, noCache: 12, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 8, text: 8, reasoning: 0 },
  };
  let call = 0;
  return new MockLanguageModelV3({
    doStream: async () => {
      call += 1;
      const parts =
        call % 2 === 1
          ? [
              { type: 'stream-start' as const, warnings: [] },
              {
                type: 'tool-call' as const,
                toolCallId: `call-${call}`,
                toolName: 'weather',
                input: '{"city":"Lisbon"}',
              },
              {
                type: 'finish' as const,
                finishReason: { unified: 'tool-calls' as const, raw: undefined },
                usage,
              },
            ]
          : [
              { type: 'stream-start' as const, warnings: [] },
              { type: 'text-start' as const, id: 't1' },
              { type: 'text-delta' as const, id: 't1', delta: 'It is 21 °C in Lisbon.' },
              { type: 'text-end' as const, id: 't1' },
              {
                type: 'finish' as const,
                finishReason: { unified: 'stop' as const, raw: undefined },
                usage,
              },
            ];
      return {
        stream: new ReadableStream({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  });
}

export async function main(store = createStore()): Promise<UIMessage[]> {
  const opened = await store;
  try {
    const route = createChatRoute({
      store: opened,
      model: scriptedModel(),
      userIdOf: () => 'alice',
    });
    const message: UIMessage = {
      id: 'user-1',
      role: 'user',
      parts: [{ type: 'text', text: 'Weather in Lisbon?' }],
    };
    const response = await route.POST(
      new Request('http://localhost/api/chat', {
        method: 'POST',
        body: JSON.stringify({ id: 'chat-1', message }),
      }),
    );
    // Reading the body drives the stream (a browser's useChat reads it the same way).
    await response.text();
    const chat = await route.persistence.loadChat({ userId: 'alice', chatId: 'chat-1' });
    return chat;
  } finally {
    await opened.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await main(), null, 2));
}
