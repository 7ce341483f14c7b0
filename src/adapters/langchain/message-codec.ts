import type { BaseMessage, StoredMessage } from '@langchain/core/messages';
import type { MessageKind, NewMessage, Role, Usage } from '../../contract/types.js';
import { asRecord, nonEmptyString, tokenNumber } from '../shared/json-value.js';
import { plainText } from '../shared/plain-text.js';

/** The name of `data`'s shape: LangChain's stored form, `{ type, data }` (what toDict() gives). */
export const LANGCHAIN_MESSAGE_FORMAT = 'langchain/message';

/**
 * Fields a message may carry that `toDict()` leaves out when they were set after construction
 * (toDict serialises the constructor's arguments): they are read from the message itself.
 */
const FIELDS = [
  'content',
  'name',
  'id',
  'additional_kwargs',
  'response_metadata',
  'tool_calls',
  'invalid_tool_calls',
  'usage_metadata',
  'tool_call_id',
  'artifact',
  'status',
  'role',
] as const;

/** The message's stored form: toDict(), completed with the fields set on the message since. */
export function storedForm(message: BaseMessage): StoredMessage {
  const stored = message.toDict();
  const data = { ...stored.data } as Record<string, unknown>;
  const own = message as unknown as Record<string, unknown>;
  for (const field of FIELDS) {
    if (own[field] !== undefined) data[field] = own[field];
  }
  return { type: stored.type, data: data as unknown as StoredMessage['data'] };
}

/** A LangChain message as a new stored message (its stored form is the bytes kept). */
export function toNewMessage(message: BaseMessage, messageId: string): NewMessage {
  const stored = storedForm(message);
  return fromStoredForm(stored, messageId, JSON.stringify(stored));
}

/**
 * A message in LangChain's stored form as a new stored message: `data` is `raw` (the JSON text
 * as written, e.g. a RedisChatMessageHistory list element, kept byte for byte), and the store's
 * fields come from it: role, text view, tool call links and usage. Needs no LangChain at run
 * time, so a migration can use it on what it reads.
 */
export function fromStoredForm(stored: StoredMessage, messageId: string, raw: string): NewMessage {
  // The "v1" shape older LangChain versions wrote: { type, role, text }.
  const v1 = stored as unknown as { role?: unknown; text?: unknown };
  const data = (stored.data ?? { content: v1.text, role: v1.role }) as unknown as Record<
    string,
    unknown
  >;
  const toolCallIds = callIds(data.tool_calls);
  const toolResultId = nonEmptyString(data.tool_call_id);
  const kind: MessageKind =
    stored.type === 'tool' ? 'tool-result' : toolCallIds.length > 0 ? 'tool-call' : 'message';
  const usage = usageOf(data);
  return {
    messageId,
    role: roleOf(stored.type, data.role),
    content: plainText(textOf(data.content)),
    data: raw,
    format: LANGCHAIN_MESSAGE_FORMAT,
    kind,
    toolCallIds,
    toolResultIds: stored.type === 'tool' && toolResultId ? [toolResultId] : [],
    ...(usage ? { usage } : {}),
  };
}

function roleOf(type: string, role: unknown): Role {
  switch (type) {
    case 'human':
      return 'user';
    case 'ai':
      return 'assistant';
    case 'system':
    case 'developer':
      return 'system';
    case 'tool':
    case 'function':
      return 'tool';
    default:
      return role === 'assistant' || role === 'system' || role === 'tool' ? role : 'user';
  }
}

function callIds(toolCalls: unknown): string[] {
  if (!Array.isArray(toolCalls)) return [];
  const ids = toolCalls
    .map((call) => nonEmptyString(asRecord(call)?.id))
    .filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}

/** `usage_metadata` and the model / finish reason from `response_metadata`, where present. */
function usageOf(data: Record<string, unknown>): Usage | null {
  const tokens = asRecord(data.usage_metadata);
  const meta = asRecord(data.response_metadata);
  const usage: Usage = {};
  const set = <K extends keyof Usage>(key: K, value: Usage[K] | undefined) => {
    if (value !== undefined) usage[key] = value;
  };
  set('model', nonEmptyString(meta?.model_name) ?? nonEmptyString(meta?.model));
  set('provider', nonEmptyString(meta?.model_provider));
  set('inputTokens', tokenNumber(tokens?.input_tokens));
  set('outputTokens', tokenNumber(tokens?.output_tokens));
  set('totalTokens', tokenNumber(tokens?.total_tokens));
  set('cachedInputTokens', tokenNumber(asRecord(tokens?.input_token_details)?.cache_read));
  set('reasoningTokens', tokenNumber(asRecord(tokens?.output_token_details)?.reasoning));
  set('finishReason', nonEmptyString(meta?.finish_reason) ?? nonEmptyString(meta?.stop_reason));
  return Object.keys(usage).length > 0 ? usage : null;
}

/** A content string, or the text of its text blocks. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => {
      const fields = asRecord(block);
      return fields?.type === 'text' && typeof fields.text === 'string' ? fields.text : '';
    })
    .filter((text) => text !== '')
    .join('\n');
}
