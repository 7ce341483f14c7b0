import {
  convertToModelMessages,
  stepCountIs,
  streamText,
  tool,
  type LanguageModel,
  type UIMessage,
} from 'ai';
import { z } from 'zod';
import type { ConversationStore } from '../../../src/index.js';
import { createAiSdkPersistence } from '../../../src/adapters/ai-sdk/index.js';
import type { StreamEndEvent } from '../../../src/adapters/ai-sdk/index.js';
import { EventCount } from './ui-stream.js';

export const tools = {
  weather: tool({
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, celsius: 21 }),
  }),
  deleteFile: tool({
    inputSchema: z.object({ path: z.string() }),
    needsApproval: true,
    execute: async ({ path }) => ({ deleted: path }),
  }),
};

/**
 * A route shaped like the SDK's documented /api/chat handler (ai 7): the client sends its last
 * message, the server keeps the chat. `ends` receives every onEnd event after it was persisted.
 */
export function v7Route(store: ConversationStore, model: LanguageModel, userId = 'alice') {
  const persistence = createAiSdkPersistence({ store });
  const ends: Array<StreamEndEvent<UIMessage>> = [];
  let notify: (() => void) | undefined;
  const steps = new EventCount();

  async function POST(request: Request): Promise<Response> {
    const { id: chatId, message } = (await request.json()) as { id: string; message: UIMessage };
    const messages = await persistence.saveIncoming({ userId, chatId, message });
    const result = streamText({
      model,
      messages: await convertToModelMessages(messages),
      tools,
      stopWhen: stepCountIs(5),
      abortSignal: request.signal,
    });
    void result.consumeStream();
    const options = persistence.streamOptions({ userId, chatId, originalMessages: messages });
    return result.toUIMessageStreamResponse({
      ...options,
      onStepEnd: async (event) => {
        await options.onStepEnd(event);
        steps.add();
      },
      onEnd: async (event) => {
        try {
          await options.onEnd(event);
        } finally {
          ends.push(event);
          notify?.();
        }
      },
      messageMetadata: ({ part }) =>
        part.type === 'finish' ? { totalUsage: part.totalUsage, model: 'mock-1' } : undefined,
    });
  }

  /** Resolves once `count` streams have ended and been persisted. */
  function ended(count: number): Promise<Array<StreamEndEvent<UIMessage>>> {
    return new Promise((resolve) => {
      const check = () => {
        if (ends.length >= count) resolve(ends);
      };
      notify = check;
      check();
    });
  }

  const post = (chatId: string, message: UIMessage, signal?: AbortSignal) =>
    POST(
      new Request('http://localhost/api/chat', {
        method: 'POST',
        body: JSON.stringify({ id: chatId, message }),
        ...(signal ? { signal } : {}),
      }),
    );

  /** Resolves once `count` step ends have been persisted (the next step may start before). */
  const stepsPersisted = (count: number) => steps.reached(count);

  return { POST, post, ended, stepsPersisted, persistence, userId };
}
