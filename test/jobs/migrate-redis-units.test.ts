import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { canonicalJson, digestSession } from '../../src/jobs/migrate-redis/content-hash.js';
import { parseMetaKey } from '../../src/jobs/migrate-redis/convstore-reader.js';
import { sessionIdFromKey } from '../../src/jobs/migrate-redis/key-pattern.js';
import { convertLangChainMessage } from '../../src/jobs/migrate-redis/langchain-message.js';

describe('LangChain message conversion', () => {
  const convert = (value: unknown, seq = 1) => convertLangChainMessage(JSON.stringify(value), seq);

  it('stores the element whole as data, with role, kind, tool call ids and usage from it', () => {
    const human = JSON.stringify({ type: 'human', data: { content: 'hi', additional_kwargs: {} } });
    expect(convertLangChainMessage(human, 1)).toEqual({
      ok: true,
      message: {
        seq: 1,
        messageId: 'lc-1',
        role: 'user',
        content: 'hi',
        metadata: {},
        data: human,
        format: 'langchain/message',
        kind: 'message',
        toolCallIds: [],
        toolResultIds: [],
        usage: null,
        createdAt: null,
      },
    });
    const tool = convert(
      { type: 'tool', data: { content: 'r', tool_call_id: 'c1', name: 'f' } },
      3,
    );
    expect(tool).toMatchObject({
      ok: true,
      message: {
        role: 'tool',
        kind: 'tool-result',
        toolResultIds: ['c1'],
        toolCallIds: [],
        metadata: {},
        messageId: 'lc-3',
      },
    });
    expect(convert({ type: 'function', data: { content: '{}', name: 'f' } })).toMatchObject({
      message: { role: 'tool', kind: 'message' },
    });
    expect(convert({ type: 'generic', data: { content: 'x', role: 'assistant' } })).toMatchObject({
      message: { role: 'assistant' },
    });
    const ai = convert({
      type: 'ai',
      data: {
        content: '',
        tool_calls: [
          { id: 'call-1', name: 'f', args: {} },
          { id: 'call-2', name: 'g', args: {} },
        ],
        usage_metadata: {
          input_tokens: 10,
          output_tokens: 5,
          total_tokens: 15,
          input_token_details: { cache_read: 4 },
          output_token_details: { reasoning: 2 },
        },
        response_metadata: { model_name: 'gpt-x', finish_reason: 'tool_calls' },
      },
    });
    expect(ai).toMatchObject({
      message: {
        role: 'assistant',
        kind: 'tool-call',
        toolCallIds: ['call-1', 'call-2'],
        usage: {
          inputTokens: 10,
          outputTokens: 5,
          totalTokens: 15,
          cachedInputTokens: 4,
          reasoningTokens: 2,
          model: 'gpt-x',
          finishReason: 'tool_calls',
        },
      },
    });
  });

  it('keeps content blocks in data and their text as content, with nothing in metadata', () => {
    const parts = [
      { type: 'text', text: 'look:' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(200_000)}` } },
      { type: 'text', text: 'a cat' },
    ];
    const raw = JSON.stringify({ type: 'human', data: { content: parts } });
    const result = convertLangChainMessage(raw, 1);
    expect(result).toMatchObject({
      ok: true,
      message: { content: 'look:\na cat', metadata: {}, data: raw },
    });
  });

  it('reads the old v1 shape {type, role, text}', () => {
    expect(convert({ type: 'ai', role: 'assistant', text: 'old' })).toMatchObject({
      message: { role: 'assistant', content: 'old' },
    });
  });

  it('uses LangChain ids that are valid ids, and lc-<seq> otherwise', () => {
    expect(convert({ type: 'ai', data: { content: '', id: 'run-1' } })).toMatchObject({
      message: { messageId: 'run-1' },
    });
    expect(convert({ type: 'ai', data: { content: '', id: 'has space' } }, 9)).toMatchObject({
      message: { messageId: 'lc-9' },
    });
  });

  it('names the problem of a message it cannot read, without quoting it', () => {
    const secret = 'my secret words';
    const cases = [
      `{"type":"human","data":{"content":"${secret}"`,
      JSON.stringify({ type: 'martian', data: { content: secret } }),
      JSON.stringify({ type: 'human', data: { content: 42 } }),
      JSON.stringify({ type: 'generic', data: { content: secret, role: 'narrator' } }),
      JSON.stringify([secret]),
    ];
    for (const raw of cases) {
      const result = convertLangChainMessage(raw, 2);
      expect(result.ok, raw).toBe(false);
      if (!result.ok) {
        expect(result.problem).toMatch(/^message 2: /);
        expect(result.problem).not.toContain('secret');
      }
    }
  });
});

describe('the job without LangChain', () => {
  const run = promisify(execFile);
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const hook = fileURLToPath(new URL('./support/refuse-langchain.mjs', import.meta.url));
  const load = (path: string) =>
    run(process.execPath, ['--import', hook, '--import', 'tsx', '-e', `await import('${path}')`], {
      cwd: root,
    });

  it('loads no LangChain package at run time (the adapter itself does, so the check bites)', async () => {
    await expect(load('./src/jobs/migrate-redis/migrate-redis.ts')).resolves.toBeDefined();
    await expect(load('./src/adapters/langchain/index.ts')).rejects.toThrow(
      /imports @langchain\/core/,
    );
  });
});

describe('session ids from keys', () => {
  it('takes what a single * matched, or the whole key', () => {
    expect(sessionIdFromKey('chat:42', 'chat:*')).toBe('42');
    expect(sessionIdFromKey('app:chat:42:history', 'app:chat:*:history')).toBe('42');
    expect(sessionIdFromKey('2024-01-01T10:00:00.000Z', '*')).toBe('2024-01-01T10:00:00.000Z');
    expect(sessionIdFromKey('chat:42', 'chat:4?')).toBe('chat:42');
    expect(sessionIdFromKey('chat:{bad}', 'chat:*')).toBeNull();
    expect(sessionIdFromKey('chat:', 'chat:*')).toBeNull();
  });

  it('splits convstore meta keys into user and session', () => {
    expect(parseMetaKey('convstore:{alice}:meta:s-1', 'convstore:')).toEqual({
      userId: 'alice',
      sessionId: 's-1',
    });
    expect(parseMetaKey('convstore:{alice}:msgs:s-1', 'convstore:')).toBeNull();
    expect(parseMetaKey('other:{alice}:meta:s-1', 'convstore:')).toBeNull();
  });
});

describe('content digest', () => {
  const message = {
    seq: 1,
    messageId: 'm',
    role: 'user',
    content: 'hé 🎉',
    metadata: { b: 1, a: [2] },
    data: '{"type":"human","data":{"content":"hé 🎉"}}',
    format: 'langchain/message',
    kind: 'message',
    toolCallIds: [] as string[],
    toolResultIds: [] as string[],
    usage: { inputTokens: 3 } as { inputTokens?: number; outputTokens?: number } | null,
  };

  it('does not depend on the key order of metadata, and changes with any byte of a message', () => {
    const base = digestSession([message]);
    expect(digestSession([{ ...message, metadata: { a: [2], b: 1 } }])).toEqual(base);
    for (const changed of [
      { ...message, seq: 2 },
      { ...message, messageId: 'n' },
      { ...message, role: 'assistant' },
      { ...message, content: 'he 🎉' },
      { ...message, metadata: { b: 1, a: [2, 3] } },
      { ...message, data: '{"data":{"content":"hé 🎉"},"type":"human"}' },
      { ...message, format: null },
      { ...message, kind: 'tool-result' },
      { ...message, toolCallIds: ['c1'] },
      { ...message, toolResultIds: ['c1'] },
      { ...message, usage: { inputTokens: 4 } },
    ]) {
      expect(digestSession([changed]).hash).not.toBe(base.hash);
    }
    expect(digestSession([message, message]).messages).toBe(2);
    // Usage read from columns (unset ones undefined) hashes as usage built with only what is set.
    const plain = { ...message, usage: null };
    expect(digestSession([{ ...plain, usage: { outputTokens: undefined } }])).toEqual(
      digestSession([plain]),
    );
    expect(canonicalJson({ b: { d: 1, c: [true, null] }, a: 'x' })).toBe(
      '{"a":"x","b":{"c":[true,null],"d":1}}',
    );
  });
});

describe('Python LangChain messages', () => {
  it('are read as they are, with a null id getting lc-<seq>', () => {
    // What langchain_core.messages.message_to_dict(HumanMessage("hi")) gives in Python.
    const python = {
      type: 'human',
      data: {
        content: 'hi',
        additional_kwargs: {},
        response_metadata: {},
        type: 'human',
        name: null,
        id: null,
        example: false,
      },
    };
    const raw = JSON.stringify(python);
    expect(convertLangChainMessage(raw, 1)).toMatchObject({
      ok: true,
      message: { seq: 1, messageId: 'lc-1', role: 'user', content: 'hi', metadata: {}, data: raw },
    });
  });
});
