/**
 * The layout of one stored message and the order of a session script's keys, shared by the TS
 * side and (through scripts.ts, which prepends them as Lua tables) every script.
 *
 * A message is one member of the session's log (a sorted set scored by seq): a JSON array of its
 * head, the scripts' own values (ids, names, numbers) in HEAD order, then its body, an object of
 * the JSON parts no script decodes (fields.ts BODY_PART). The head's second value is the byte
 * offset of the body as 8 digits, so a script cuts the head off (windows read heads only) and
 * splices the body without decoding it, while a reader parses the member once. Seqs are scores,
 * so a pop, truncate or delete leaves a gap and a seq is never reused; a plain read is one ZRANGE.
 */

/**
 * Head positions (1-based in Lua) and their encodings: n number, s string, l string list, nl
 * number list. The scripts write the values up to leaseMs; the rest (from messageId on) arrive
 * from TS as one JSON fragment at append (see messageArgs) and are re-encoded only by a change.
 */
export const HEAD = [
  ['seq', 'n'],
  /** Where the body starts in the member (1-based byte offset of its `{`), 8 digits. */
  ['bodyAt', 's'],
  /** Epoch milliseconds. */
  ['createdAt', 'n'],
  ['updatedAt', 'n'],
  ['version', 'n'],
  /** As stored: a draft whose lease ran out is still 'streaming' here and reads as 'aborted'. */
  ['status', 's'],
  /** A draft's lease expiry in epoch milliseconds; 0 for none. */
  ['leaseUntil', 'n'],
  /** A draft's lease token ('' for none; never returned to callers but its holder). */
  ['lease', 's'],
  /** How long each checkpoint extends the lease. */
  ['leaseMs', 'n'],
  ['messageId', 's'],
  ['role', 's'],
  ['kind', 's'],
  ['tokenCount', 'n'],
  ['toolCallIds', 'l'],
  ['toolResultIds', 'l'],
  /** UTF-8 byte lengths of the body parts in BODY_PARTS order, 0 for a default one. */
  ['partLengths', 'nl'],
] as const;

/** A member as JSON.parse gives it: the head, then the body. */
export type MemberTuple = [
  seq: number,
  bodyAt: string,
  createdAt: number,
  updatedAt: number,
  version: number,
  status: string,
  leaseUntil: number,
  lease: string,
  leaseMs: number,
  messageId: string,
  role: string,
  kind: string,
  tokenCount: number,
  toolCallIds: string[],
  toolResultIds: string[],
  partLengths: number[],
  body: Record<string, unknown>,
];

/**
 * The window index (fragments/window-index.lua), kept exact by every write so history.lua cuts a
 * window without reading the messages it passes: `tokens:` (zset: seq by the running sum of token
 * counts up to it, so a suffix's tokens are one subtraction), `users:` (zset: the seqs of user
 * messages), `odd:` (zset by seq: `<seq>:<status>:<lease until>:<tokens>:<c|-><r|->` of each
 * message whose status is not 'complete'), `pairs:` and `paired:` (zsets: `<result seq>:<call id>`
 * of each result whose call is linked at or before it, by the call's seq and by the result's),
 * `orphans:` (zset: the seqs of messages answering a call id that is not paired). A
 * session gets it from the first script of this version that touches it (SESSION_FIELD.windowIndex
 * says which version built it).
 */
export const WINDOW_INDEX_WORDS = ['tokens', 'users', 'odd', 'pairs', 'paired', 'orphans'] as const;

/** The window index's layout version, kept in the session hash once the index is built. */
export const WINDOW_INDEX_VERSION = '1';

/**
 * The keys of a session script, in KEYS order (see RedisKeys.store): the session's own keys,
 * `<base><word>:<session>` for each word of SESSION_WORDS, then the user's index and counts.
 */
export const SESSION_WORDS = [
  'meta',
  'log',
  'mids',
  'calls',
  'ops',
  'results',
  ...WINDOW_INDEX_WORDS,
] as const;

/**
 * The list layout's keys of a session an older redis store wrote (`msgs:` a list of items,
 * `ids:` messageId -> seq): the scripts move such a session into the log the first time they
 * touch it (see upgrade in prelude.lua), so an upgrade hides nothing.
 */
export const LEGACY_SESSION_WORDS = ['msgs', 'ids'] as const;

export const SESSION_KEYS = [
  ...SESSION_WORDS,
  'sessions',
  'counts',
  'legacyList',
  'legacyIds',
] as const;

/**
 * How a new message travels as ARGV, MESSAGE_ARGS values each, in this order (the scripts read
 * them with new_message(i)).
 */
export const MESSAGE_ARG_ORDER = [
  'messageId',
  /** The idempotency fingerprint of the append. */
  'fingerprint',
  'status',
  /** JSON arrays of the call ids it opens and answers (the scripts index them). */
  'toolCallIds',
  'toolResultIds',
  /** The head from messageId on, as JSON text without brackets. */
  'headTail',
  /** The body's members (fields.ts BODY_PART), '' when every part is its default. */
  'body',
] as const;

export const MESSAGE_ARGS = MESSAGE_ARG_ORDER.length;

/**
 * How a change to a stored message travels (updateMessage, checkpoint, finalize): CHANGE_ARGS
 * values in this order, each '' to keep the field or '=' followed by the new value (a body part
 * as its JSON text; '=' alone sets its default).
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
