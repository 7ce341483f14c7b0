import { describe, expect, it } from 'vitest';
import { messageParts } from '../../console/src/sessions/message-parts.js';
import type { Message } from '../../console/src/types.js';

/** A stored message as the API answers it, with what a test does not care about filled in. */
function message(fields: Partial<Message>): Message {
  return {
    seq: 1,
    message_id: 'm',
    role: 'assistant',
    content: '',
    metadata: {},
    created_at: '2026-12-01T10:00:00.000Z',
    updated_at: '2026-12-01T10:00:00.000Z',
    data: null,
    format: null,
    kind: 'message',
    tool_call_ids: [],
    tool_result_ids: [],
    status: 'complete',
    version: 1,
    usage: null,
    token_count: 1,
    ...fields,
  };
}

describe('the console reads tool calls, results, reasoning and files from each framework', () => {
  it('AI SDK: a tool part with its input and output, reasoning, a file', () => {
    const parts = messageParts(
      message({
        format: 'ai-sdk/ui-message',
        tool_call_ids: ['c1'],
        data: JSON.stringify({
          id: 'x',
          role: 'assistant',
          parts: [
            { type: 'reasoning', text: 'look it up' },
            {
              type: 'tool-weather',
              toolCallId: 'c1',
              state: 'output-available',
              input: { city: 'Porto' },
              output: { type: 'json', value: { celsius: 18 } },
            },
            { type: 'file', mediaType: 'image/png', url: 'data:image/png;base64,AAAA' },
            { type: 'file', mediaType: 'text/html', url: 'javascript:alert(1)' },
          ],
        }),
      }),
    );
    expect(parts.calls).toEqual([
      { id: 'c1', name: 'weather', input: { city: 'Porto' }, output: { celsius: 18 } },
    ]);
    expect(parts.reasoning).toEqual(['look it up']);
    // Only web addresses and inline data are shown: a script URL is dropped.
    expect(parts.attachments).toEqual([
      { url: 'data:image/png;base64,AAAA', mediaType: 'image/png', name: null },
    ]);
  });

  it('OpenAI Agents: a function call (arguments as JSON text) and its result', () => {
    const call = messageParts(
      message({
        kind: 'tool-call',
        format: 'openai-agents/item',
        tool_call_ids: ['call_9'],
        data: JSON.stringify({
          type: 'function_call',
          callId: 'call_9',
          name: 'lookup',
          arguments: '{"q":"lisbon"}',
        }),
      }),
    );
    expect(call.calls).toEqual([{ id: 'call_9', name: 'lookup', input: { q: 'lisbon' } }]);
    const result = messageParts(
      message({
        role: 'tool',
        kind: 'tool-result',
        format: 'openai-agents/item',
        tool_result_ids: ['call_9'],
        data: JSON.stringify({
          type: 'function_call_result',
          callId: 'call_9',
          name: 'lookup',
          status: 'completed',
          output: { type: 'text', text: 'sunny' },
        }),
      }),
    );
    expect(result.calls).toEqual([]);
    expect([...result.results]).toEqual([['call_9', 'sunny']]);
    const reasoning = messageParts(
      message({
        kind: 'reasoning',
        data: JSON.stringify({ type: 'reasoning', content: [{ type: 'input_text', text: 'hmm' }] }),
      }),
    );
    expect(reasoning.reasoning).toEqual(['hmm']);
  });

  it('LangChain: tool_calls of an AI message, and the tool message answering one', () => {
    const call = messageParts(
      message({
        format: 'langchain/message',
        tool_call_ids: ['lc1'],
        data: JSON.stringify({
          type: 'ai',
          data: {
            content: '',
            tool_calls: [{ id: 'lc1', name: 'search', args: { q: 'x' }, type: 'tool_call' }],
          },
        }),
      }),
    );
    expect(call.calls).toEqual([{ id: 'lc1', name: 'search', input: { q: 'x' } }]);
    const result = messageParts(
      message({
        role: 'tool',
        format: 'langchain/message',
        tool_result_ids: ['lc1'],
        content: 'found it',
        data: JSON.stringify({
          type: 'tool',
          data: { content: 'found it', tool_call_id: 'lc1', name: 'search' },
        }),
      }),
    );
    expect(result.calls).toEqual([]);
    expect([...result.results]).toEqual([['lc1', 'found it']]);
  });

  it('a plain message: ids, name and input from its own fields', () => {
    const call = messageParts(
      message({
        kind: 'tool-call',
        tool_call_ids: ['p1'],
        metadata: { tool_name: 'calc' },
        content: '{"expr":"6*7"}',
      }),
    );
    expect(call.calls).toEqual([{ id: 'p1', name: 'calc', input: { expr: '6*7' } }]);
    const result = messageParts(message({ role: 'tool', tool_result_ids: ['p1'], content: '42' }));
    expect([...result.results]).toEqual([['p1', '42']]);
  });
});
