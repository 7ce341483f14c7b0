// An OpenAI Agents JS agent whose memory is a convstore session, on an embedded PGlite store:
// `npx tsx examples/openai-agents/main.ts`. It runs on a tiny scripted model so that it needs
// no API key; drop the `model` line to use OpenAI's default model (OPENAI_API_KEY).
import {
  Agent,
  run,
  setTracingDisabled,
  tool,
  Usage,
  type AgentInputItem,
  type Model,
  type ModelRequest,
  type ModelResponse,
} from '@openai/agents';
import { z } from 'zod';
import { createStore, type ConversationStore } from 'convstore';
import { ConvstoreSession } from 'convstore/openai-agents';

const weather = tool({
  name: 'weather',
  description: 'The weather in a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `21 °C and sunny in ${city}`,
});

/** Calls the weather tool for each new question, then answers from the tool's result. */
class ScriptedModel implements Model {
  private calls = 0;
  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    this.calls += 1;
    const input = typeof request.input === 'string' ? [] : request.input;
    const last = input.at(-1) as AgentInputItem & { type?: string; output?: unknown };
    const usage = new Usage({ requests: 1, inputTokens: 20, outputTokens: 5, totalTokens: 25 });
    if (last?.type === 'function_call_result') {
      // A string tool result arrives as { type: 'text', text }.
      const output = last.output as string | { text?: string };
      const text = typeof output === 'string' ? output : (output.text ?? JSON.stringify(output));
      return {
        usage,
        output: [
          {
            type: 'message',
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: `It is ${text}.` }],
          },
        ],
      };
    }
    return {
      usage,
      output: [
        {
          type: 'function_call',
          callId: `call_${this.calls}`,
          name: 'weather',
          arguments: JSON.stringify({ city: 'Lisbon' }),
          status: 'completed',
        },
      ],
    };
  }
  // eslint-disable-next-line require-yield
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error('not used in this example');
  }
}

export async function main(opening: Promise<ConversationStore> = createStore()) {
  setTracingDisabled(true);
  const store = await opening;
  try {
    const agent = new Agent({
      name: 'Assistant',
      instructions: 'Answer weather questions with the weather tool.',
      tools: [weather],
      model: new ScriptedModel(),
    });
    const session = new ConvstoreSession({ store, userId: 'alice', sessionId: 'trip-planning' });
    const first = await run(agent, 'What is the weather in Lisbon?', { session });
    const second = await run(agent, 'And tomorrow?', { session });
    return {
      answers: [first.finalOutput, second.finalOutput],
      items: await session.getItems(),
    };
  } finally {
    await store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await main(), null, 2));
}
