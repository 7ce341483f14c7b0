// The AI SDK's documented /api/chat route, with convstore as its persistence (ai 7).
// The client sends only its last message (`prepareSendMessagesRequest`), the server keeps the chat.
import {
  convertToModelMessages,
  stepCountIs,
  streamText,
  tool,
  type LanguageModel,
  type UIMessage,
} from 'ai';
import { z } from 'zod';
import type { ConversationStore } from 'convstore';
import { createAiSdkPersistence } from 'convstore/ai-sdk';

export interface ChatRouteOptions {
  store: ConversationStore;
  model: LanguageModel;
  /** Who is calling: in an app, the user from the session cookie or token. */
  userIdOf: (request: Request) => string;
}

export const tools = {
  weather: tool({
    description: 'The weather in a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, celsius: 21 }),
  }),
};

export function createChatRoute({ store, model, userIdOf }: ChatRouteOptions) {
  const persistence = createAiSdkPersistence({ store });

  async function POST(request: Request): Promise<Response> {
    const userId = userIdOf(request);
    const { id: chatId, message } = (await request.json()) as { id: string; message: UIMessage };
    // New message appended; an edited one replaced with what followed dropped; a regenerate
    // (the last user message sent again) drops the old reply.
    const messages = await persistence.saveIncoming({ userId, chatId, message });

    const result = streamText({
      model,
      messages: await convertToModelMessages(messages),
      tools,
      stopWhen: stepCountIs(5),
      abortSignal: request.signal,
    });
    // Runs the stream to its end even when the client disconnects, so onEnd always runs.
    void result.consumeStream();

    return result.toUIMessageStreamResponse({
      // originalMessages, generateMessageId, onStepEnd (draft checkpoint) and onEnd (final).
      ...persistence.streamOptions({ userId, chatId, originalMessages: messages }),
      messageMetadata: ({ part }) =>
        part.type === 'finish'
          ? { totalUsage: part.totalUsage, model: 'example-model' }
          : undefined,
    });
  }

  async function GET(request: Request, chatId: string): Promise<Response> {
    const messages = await persistence.loadChat({ userId: userIdOf(request), chatId });
    return Response.json(messages);
  }

  return { POST, GET, persistence };
}
