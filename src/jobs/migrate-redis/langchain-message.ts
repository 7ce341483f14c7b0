import { isPlainObject } from '../../contract/json-check.js';
import { ID_PATTERN } from '../../contract/limits.js';
import { ROLES, type Metadata, type Role } from '../../contract/types.js';
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

const UNAMBIGUOUS_TYPES = new Set(['human', 'ai', 'system', 'tool']);

/** Fields of `data` that are empty in almost every message and carry nothing when empty. */
const DROPPED_WHEN_EMPTY = new Set([
  'additional_kwargs',
  'response_metadata',
  'tool_calls',
  'invalid_tool_calls',
]);

export type ConvertedMessage =
  { ok: true; message: SourceMessage } | { ok: false; problem: string };

/**
 * One list element to a message. The role comes from `type` (generic messages: from data.role);
 * text content is kept as is, a list of content parts becomes their text joined, with the parts
 * themselves kept in metadata.content_parts; every other field of `data` is kept in metadata, so
 * nothing the source held is lost. The messageId is LangChain's `id` when it has one that is a
 * valid id, otherwise `lc-<seq>`, stable across runs.
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

  const role = roleOf(parsed.type, data.role);
  if (!role) return { ok: false, problem: `message ${seq}: unknown message type` };

  const metadata: Metadata = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === 'content' || value === undefined || value === null) continue;
    if (key === 'role' && parsed.type === 'generic') continue;
    // Python's message_to_dict repeats the type inside data and adds example: false.
    if ((key === 'type' && value === parsed.type) || (key === 'example' && value === false)) {
      continue;
    }
    if (DROPPED_WHEN_EMPTY.has(key) && isEmpty(value)) continue;
    metadata[key] = value;
  }
  // The role says which of human, ai, system and tool it was; any other type is kept by name.
  if (!UNAMBIGUOUS_TYPES.has(parsed.type)) metadata.langchain_type = parsed.type;

  let content: string;
  if (typeof data.content === 'string') content = data.content;
  else if (Array.isArray(data.content)) {
    content = data.content.map(textOfPart).join('');
    metadata.content_parts = data.content;
  } else return { ok: false, problem: `message ${seq}: content is neither text nor a list` };

  const id = typeof data.id === 'string' && ID_PATTERN.test(data.id) ? data.id : `lc-${seq}`;
  return {
    ok: true,
    message: { seq, messageId: id, role, content, metadata, createdAt: null },
  };
}

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

function textOfPart(part: unknown): string {
  if (typeof part === 'string') return part;
  if (isPlainObject(part) && part.type === 'text' && typeof part.text === 'string')
    return part.text;
  return '';
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}
