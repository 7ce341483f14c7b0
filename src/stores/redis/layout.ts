/**
 * The layout of one stored message and the order of a session script's keys, shared by the TS
 * side and (through scripts.ts, which prepends them as Lua tables) every script.
 *
 * A message is two things:
 *   - its head, the member of the session's log (a sorted set scored by seq): a JSON array the
 *     scripts build and decode (only their own values: ids, names, numbers), in HEAD order; the
 *     windows read heads only;
 *   - its body, the opaque JSON parts in the body hash (see BODY_FIELD), never decoded in Lua.
 * Seqs are scores, so a pop, truncate or delete leaves a gap and a seq is never reused.
 */

/** Head positions (1-based in Lua) and how each is encoded: n number, s string, l string list. */
export const HEAD = [
  ['seq', 'n'],
  ['messageId', 's'],
  /** Epoch milliseconds. */
  ['createdAt', 'n'],
  ['updatedAt', 'n'],
  ['version', 'n'],
  /** As stored: a draft whose lease ran out is still 'streaming' here and reads as 'aborted'. */
  ['status', 's'],
  /** A draft's lease expiry in epoch milliseconds; 0 for none. */
  ['leaseUntil', 'n'],
  ['role', 's'],
  ['kind', 's'],
  ['tokenCount', 'n'],
  ['toolCallIds', 'l'],
  ['toolResultIds', 'l'],
] as const;

export type HeadTuple = [
  seq: number,
  messageId: string,
  createdAt: number,
  updatedAt: number,
  version: number,
  status: string,
  leaseUntil: number,
  role: string,
  kind: string,
  tokenCount: number,
  toolCallIds: string[],
  toolResultIds: string[],
];

/**
 * The keys of a session script, in KEYS order (see RedisKeys.store): the session's own keys,
 * `<base><word>:<session>` for each word of SESSION_WORDS, then the user's index and counts.
 */
export const SESSION_WORDS = ['meta', 'log', 'body', 'mids', 'calls', 'ops'] as const;
export const SESSION_KEYS = [...SESSION_WORDS, 'sessions', 'counts'] as const;

/** Words of the list layout a session of an older store may still have (erased with it). */
export const LEGACY_SESSION_WORDS = ['msgs', 'ids'] as const;

/**
 * How a new message travels as ARGV, MESSAGE_ARGS values each, in this order (the scripts read
 * them with new_message(i)). Empty strings stand for "none" where a part is optional.
 */
export const MESSAGE_ARG_ORDER = [
  'messageId',
  /** The idempotency fingerprint of the append. */
  'fingerprint',
  'role',
  'kind',
  'status',
  'tokenCount',
  /** JSON arrays of call ids. */
  'toolCallIds',
  'toolResultIds',
  /** Body parts as JSON text ('' for the default). */
  'content',
  'metadata',
  'data',
  'usage',
  'format',
] as const;

export const MESSAGE_ARGS = MESSAGE_ARG_ORDER.length;

/**
 * How a change to a stored message travels (updateMessage, checkpoint, finalize): CHANGE_ARGS
 * values in this order, each '' to keep the field or '=' followed by the new value (body parts
 * as in MESSAGE_ARG_ORDER: '=' alone sets the default).
 */
export const CHANGE_ARG_ORDER = [
  'kind',
  'tokenCount',
  'toolCallIds',
  'toolResultIds',
  'content',
  'metadata',
  'data',
  'usage',
  'format',
] as const;

export const CHANGE_ARGS = CHANGE_ARG_ORDER.length;
