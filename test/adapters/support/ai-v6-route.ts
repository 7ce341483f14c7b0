import {
  convertToModelMessages,
  createUIMessageStream,
  createUIMessageStreamResponse,
  stepCountIs,
  streamText,
  tool,
  type LanguageModel,
  type UIMessage,
} from 'ai-v6';
import { z } from 'zod';
import type { ConversationStore } from '../../../src/index.js';
import { createAiSdkPersistence } from '../../../src/adapters/ai-sdk/index.js';
import { EventCount } from './ui-stream.js';

export const tools = {
  weather: tool({
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, celsius: 21 }),
  }),
};

/**
 * The /api/chat handler as ai 6 documents persistence with per-step saves: createUIMessageStream
 * with onStepFinish and onFinish (v6's names for onStepEnd and onEnd), merging streamText's stream.
 */
export function v6Route(store: ConversationStore, model: LanguageModel, userId = 'alice') {
  const persistence = createAiSdkPersistence<UIMessage>({ store });
  let ends = 0;
  let notify: (() => void) | undefined;
  const steps = new EventCount();

  async function POST(request: Request): Promise<Response> {
    const { id: chatId, message } = (await request.json()) as { id: string; message: UIMessage };
    const messages = await persistence.saveIncoming({ userId, chatId, message });
    const onEnd = persistence.onEnd({ userId, chatId });
    const onStepEnd = persistence.onStepEnd({ userId, chatId });
    const stream = createUIMessageStream<UIMessage>({
      originalMessages: messages,
      generateId: persistence.generateMessageId,
      onStepFinish: async (event) => {
        await onStepEnd(event);
        steps.add();
      },
      onFinish: async (event) => {
        try {
          await onEnd(event);
        } finally {
          ends += 1;
          notify?.();
        }
      },
      execute: async ({ writer }) => {
        const result = streamText({
          model,
          messages: await convertToModelMessages(messages),
          tools,
          stopWhen: stepCountIs(5),
          abortSignal: request.signal,
        });
        void result.consumeStream();
        writer.merge(result.toUIMessageStream());
      },
    });
    return createUIMessageStreamResponse({ stream });
  }

  function ended(count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (ends >= count) resolve();
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

  const stepsPersisted = (count: number) => steps.reached(count);

  return { post, ended, stepsPersisted, persistence };
}
