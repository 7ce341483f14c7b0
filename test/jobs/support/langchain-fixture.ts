import {
  AIMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
  mapChatMessagesToStoredMessages,
  type BaseMessage,
} from '@langchain/core/messages';
import { redis } from './job-fixtures.js';

/** What one fixture session should look like once migrated, oldest first. */
export interface ExpectedSession {
  key: string;
  sessionId: string;
  /** Each message's text view and the list element it was written as (its `data`). */
  messages: Array<{ role: string; content: string; data: string }>;
  ttl: boolean;
}

export interface LangChainFixture {
  sessions: ExpectedSession[];
  /** Keys that hold a broken session: each must be reported and nothing of it written. */
  malformedKeys: string[];
  /** Keys under the pattern that are not lists. */
  otherKeys: string[];
  messageCount: number;
}

const TEXTS = [
  'Where should I eat tonight?',
  'Olá, ação e coração: não há pressa',
  '日本語のテキスト、絵文字 🎉👩‍💻 and مرحبا',
  'line one\nline two\ttabbed "quoted" \\ backslash',
  '',
];

/**
 * Writes `count` LangChain histories under `<prefix>lc:<n>` exactly as RedisChatMessageHistory
 * does (LPUSH of `JSON.stringify(message.toDict())`, then EXPIRE when it has a TTL), in pipelines
 * so thousands take a moment. Every 97th session carries a 100 KB message, every 89th a message
 * of content blocks over the 64 KiB metadata limit, every 50th a tool call (with usage) and its
 * result; a few keys are broken on purpose, and a few are not lists at all.
 */
export async function writeLangChainFixture(
  prefix: string,
  count: number,
): Promise<LangChainFixture> {
  const sessions: ExpectedSession[] = [];
  const malformedKeys: string[] = [];
  const otherKeys: string[] = [];
  let messageCount = 0;
  let pipeline = redis().pipeline();
  for (let n = 0; n < count; n++) {
    const sessionId = `s${n}`;
    const key = `${prefix}lc:${sessionId}`;
    const messages: BaseMessage[] = [];
    const length = 1 + (n % 6);
    for (let i = 0; i < length; i++) {
      const text = `${TEXTS[(n + i) % TEXTS.length]} #${n}.${i}`;
      if (i === 0 && n % 3 === 0) messages.push(new SystemMessage(text));
      else if (i % 2 === 1) messages.push(new AIMessage(text));
      else messages.push(new HumanMessage(text));
    }
    if (n % 97 === 0) messages.push(new AIMessage('long '.repeat(20_000)));
    if (n % 89 === 2) {
      messages.push(
        new HumanMessage({
          content: [
            { type: 'text', text: `what is in this picture? #${n}` },
            {
              type: 'image_url',
              image_url: { url: `data:image/png;base64,${'iVBO'.repeat(20_000)}` },
            },
            { type: 'text', text: 'and this one?' },
          ],
        }),
      );
    }
    if (n % 50 === 1) {
      messages.push(
        new AIMessage({
          content: 'calling',
          tool_calls: [{ id: 'c1', name: 'f', args: { a: 1 } }],
          usage_metadata: {
            input_tokens: 12,
            output_tokens: 7,
            total_tokens: 19,
            input_token_details: { cache_read: 3 },
            output_token_details: { reasoning: 2 },
          },
        }),
        new ToolMessage({ content: 'result ✓', tool_call_id: 'c1' }),
      );
    }
    const stored = mapChatMessagesToStoredMessages(messages).map((m) => JSON.stringify(m));
    // LPUSH one at a time, as addMessage does: the newest ends up at the head.
    for (const item of stored) pipeline.lpush(key, item);
    const ttl = n % 4 === 0;
    if (ttl) pipeline.expire(key, 3600);
    sessions.push({
      key,
      sessionId,
      ttl,
      messages: messages.map((m, i) => ({
        role: roleOf(m),
        content: textOf(m.content),
        data: stored[i]!,
      })),
    });
    messageCount += messages.length;
    if (n % 500 === 499) {
      await pipeline.exec();
      pipeline = redis().pipeline();
    }
  }
  const broken: Array<[string, string[]]> = [
    ['bad-json', ['{"type":"human","data":{"content":"fine"}}', '{not json']],
    ['unknown-type', ['{"type":"martian","data":{"content":"hi"}}']],
    // Over the 4 MiB limit of data (a message's text view is cut to fit, its data never).
    ['too-long', [JSON.stringify({ type: 'ai', data: { content: 'x'.repeat(4 * 1024 * 1024) } })]],
    ['no-data', ['{"type":"human"}']],
    ['bad-id:{braces}', ['{"type":"human","data":{"content":"the key is no valid id"}}']],
  ];
  for (const [name, items] of broken) {
    const key = `${prefix}lc:${name}`;
    // Written oldest first, like LangChain: the last item is the newest.
    for (const item of items) pipeline.lpush(key, item);
    malformedKeys.push(key);
  }
  for (const name of ['a-string', 'a-hash']) otherKeys.push(`${prefix}lc:${name}`);
  pipeline.set(`${prefix}lc:a-string`, 'not a history');
  pipeline.hset(`${prefix}lc:a-hash`, 'field', 'value');
  await pipeline.exec();
  return { sessions, malformedKeys, otherKeys, messageCount };
}

/** The text view convstore keeps: a string, or the text blocks joined by newlines. */
function textOf(content: BaseMessage['content']): string {
  if (typeof content === 'string') return content;
  return content
    .map((block) => (block.type === 'text' && typeof block.text === 'string' ? block.text : ''))
    .filter((text) => text !== '')
    .join('\n');
}

function roleOf(message: BaseMessage): string {
  const type = message._getType();
  return { human: 'user', ai: 'assistant', system: 'system', tool: 'tool' }[type as string] ?? type;
}
