import { describe, expect, it } from 'vitest';
import { canonicalJson, digestSession } from '../../src/jobs/migrate-redis/content-hash.js';
import { parseMetaKey } from '../../src/jobs/migrate-redis/convstore-reader.js';
import { sessionIdFromKey } from '../../src/jobs/migrate-redis/key-pattern.js';
import { convertLangChainMessage } from '../../src/jobs/migrate-redis/langchain-message.js';

describe('LangChain message conversion', () => {
  const convert = (value: unknown, seq = 1) => convertLangChainMessage(JSON.stringify(value), seq);

  it('maps types to roles and keeps every other field of data as metadata', () => {
    expect(convert({ type: 'human', data: { content: 'hi', additional_kwargs: {} } })).toEqual({
      ok: true,
      message: {
        seq: 1,
        messageId: 'lc-1',
        role: 'user',
        content: 'hi',
        metadata: {},
        createdAt: null,
      },
    });
    const tool = convert(
      { type: 'tool', data: { content: 'r', tool_call_id: 'c1', name: 'f' } },
      3,
    );
    expect(tool).toMatchObject({
      ok: true,
      message: { role: 'tool', metadata: { tool_call_id: 'c1', name: 'f' }, messageId: 'lc-3' },
    });
    expect(convert({ type: 'function', data: { content: '{}', name: 'f' } })).toMatchObject({
      message: { role: 'tool', metadata: { name: 'f', langchain_type: 'function' } },
    });
    expect(convert({ type: 'generic', data: { content: 'x', role: 'assistant' } })).toMatchObject({
      message: { role: 'assistant', metadata: { langchain_type: 'generic' } },
    });
    expect(
      convert({ type: 'ai', data: { content: 'x', response_metadata: { model: 'm' } } }),
    ).toMatchObject({
      message: { role: 'assistant', metadata: { response_metadata: { model: 'm' } } },
    });
  });

  it('joins the text of content parts and keeps the parts themselves', () => {
    const parts = [
      { type: 'text', text: 'look: ' },
      { type: 'image_url', image_url: { url: 'https://x/y.png' } },
      { type: 'text', text: 'a cat' },
    ];
    expect(convert({ type: 'human', data: { content: parts } })).toMatchObject({
      message: { content: 'look: a cat', metadata: { content_parts: parts } },
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
    ]) {
      expect(digestSession([changed]).hash).not.toBe(base.hash);
    }
    expect(digestSession([message, message]).messages).toBe(2);
    expect(canonicalJson({ b: { d: 1, c: [true, null] }, a: 'x' })).toBe(
      '{"a":"x","b":{"c":[true,null],"d":1}}',
    );
  });
});

describe('Python LangChain messages', () => {
  it('drop the repeated type and example: false that message_to_dict adds', () => {
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
    expect(convertLangChainMessage(JSON.stringify(python), 1)).toEqual({
      ok: true,
      message: {
        seq: 1,
        messageId: 'lc-1',
        role: 'user',
        content: 'hi',
        metadata: {},
        createdAt: null,
      },
    });
  });
});
