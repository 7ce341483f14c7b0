import type { StoredMessage } from '@langchain/core/messages';
// The adapter's codec, not its index: the codec needs no LangChain at run time (type imports
// only), so the job stores exactly what ConvstoreChatMessageHistory stores without loading it.
import { fromStoredForm } from '../../adapters/langchain/message-codec.js';
import { isPlainObject } from '../../contract/json-check.js';
import { ID_PATTERN } from '../../contract/limits.js';
import { ROLES, type Role } from '../../contract/types.js';
import type { SourceMessage } from './types.js';

/**
 * LangChain's `RedisChatMessageHistory` (both @langchain/redis and the ioredis one in
 * @langchain/community) LPUSHes `JSON.stringify(message.toDict())` per message:
 * `{"type": "human"|"ai"|"system"|"tool"|"function"|"generic", "data": {"content": ..., ...}}`.
 * Older versions wrote the "v1" shape `{"type", "role", "text"}`, which its reader still accepts.
 * Python's RedisChatMessageHistory writes the same shape (`message_to_dict`), LPUSHed under
 * `message_store:<session id>`, so `--key-pattern 'message_store:*'` reads Python apps too.
 */
const ROLE_OF_TYPE: Record<string, Role> = {
  human: 'user',
  user: 'user',
  ai: 'assistant',
  assistant: 'assistant',
  system: 'system',
  developer: 'system',
  tool: 'tool',
  function: 'tool',
};

export type ConvertedMessage =
  { ok: true; message: SourceMessage } | { ok: false; problem: string };

/**
 * One list element to a message, stored whole: `data` is the element's JSON text byte for byte
 * (format `langchain/message`), and role, plain-text content, kind, tool call ids and usage
 * come from it through the LangChain adapter's own codec (fromStoredForm), so
 * ConvstoreChatMessageHistory reads the message back exactly as RedisChatMessageHistory would.
 * An element that is not a LangChain message of a known type is refused. The messageId is
 * LangChain's `id` when it has one that is a valid id, otherwise `lc-<seq>`, stable across runs.
 */
export function convertLangChainMessage(raw: string, seq: number): ConvertedMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, problem: `message ${seq}: not JSON` };
  }
  if (!isPlainObject(parsed) || typeof parsed.type !== 'string') {
    return { ok: false, problem: `message ${seq}: not a LangChain message (no "type")` };
  }
  const data = isPlainObject(parsed.data)
    ? parsed.data
    : // The v1 shape: {type, role, text}.
      typeof parsed.text === 'string'
      ? { content: parsed.text, role: parsed.role }
      : null;
  if (data === null) return { ok: false, problem: `message ${seq}: no "data" object` };
  if (!roleOf(parsed.type, data.role)) {
    return { ok: false, problem: `message ${seq}: unknown message type` };
  }
  if (typeof data.content !== 'string' && !Array.isArray(data.content)) {
    return { ok: false, problem: `message ${seq}: content is neither text nor a list` };
  }
  const id = typeof data.id === 'string' && ID_PATTERN.test(data.id) ? data.id : `lc-${seq}`;
  const message = fromStoredForm(parsed as unknown as StoredMessage, id, raw);
  return {
    ok: true,
    message: {
      seq,
      messageId: id,
      role: message.role,
      content: message.content ?? '',
      metadata: {},
      data: raw,
      format: message.format ?? null,
      kind: message.kind ?? 'message',
      toolCallIds: message.toolCallIds ?? [],
      toolResultIds: message.toolResultIds ?? [],
      usage: message.usage ?? null,
      createdAt: null,
    },
  };
}

/** Whether the type (or a generic message's role) is one LangChain writes. */
function roleOf(type: string, dataRole: unknown): Role | null {
  if (type === 'generic') {
    if (typeof dataRole !== 'string') return null;
    return (
      ROLE_OF_TYPE[dataRole] ??
      ((ROLES as readonly string[]).includes(dataRole) ? (dataRole as Role) : null)
    );
  }
  return ROLE_OF_TYPE[type] ?? null;
}
