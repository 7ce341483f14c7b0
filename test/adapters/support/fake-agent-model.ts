import {
  Usage,
  type AgentInputItem,
  type Model,
  type ModelRequest,
  type ModelResponse,
} from '@openai/agents';

type Output = ModelResponse['output'];

/**
 * A Model (the Agents SDK's interface) that answers from the conversation it is given: a new user
 * message gets a reasoning item and a function call; a function result gets the final answer.
 * `failFirst` makes its first call throw a retryable error.
 */
export class FakeAgentModel implements Model {
  readonly requests: ModelRequest[] = [];
  private turn = 0;
  private failures: number;

  constructor(options: { failFirst?: number } = {}) {
    this.failures = options.failFirst ?? 0;
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push(request);
    if (this.failures > 0) {
      this.failures -= 1;
      throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    }
    const input = typeof request.input === 'string' ? [] : request.input;
    const last = input.at(-1) as (AgentInputItem & { type?: string }) | undefined;
    return {
      usage: new Usage({ requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15 }),
      output: last?.type === 'function_call_result' ? this.answer(last) : this.callTool(),
      responseId: `resp_${this.requests.length}`,
    };
  }

  // eslint-disable-next-line require-yield
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error('FakeAgentModel does not stream');
  }

  private callTool(): Output {
    this.turn += 1;
    return [
      {
        type: 'reasoning',
        id: `rs_${this.turn}`,
        content: [{ type: 'input_text', text: `Turn ${this.turn}: look it up.` }],
        providerData: { encryptedContent: `enc-${this.turn}\u0000` },
      },
      {
        type: 'function_call',
        id: `fc_${this.turn}`,
        callId: `call_${this.turn}`,
        name: 'weather',
        arguments: JSON.stringify({ city: `City ${this.turn}` }),
        status: 'completed',
      },
    ];
  }

  private answer(result: AgentInputItem): Output {
    const output = (result as { output?: unknown }).output;
    const text = typeof output === 'string' ? output : JSON.stringify(output);
    return [
      {
        type: 'message',
        id: `msg_${this.turn}`,
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: `The weather: ${text}` }],
      },
    ];
  }
}
