/**
 * The Redis hash field names of the redis store, in one table. The scripts get the same names:
 * scripts.ts prepends them to every script as Lua tables (see luaTables), so a name is spelled
 * once. The hybrid cache writes session hashes with the same names (see hybrid/cache-codec.ts).
 */

/** A session hash (`meta:<session>`). Times are epoch microseconds, as Redis TIME gives them. */
export const SESSION_FIELD = {
  createdAt: 'c',
  updatedAt: 'u',
  /** '' when the session never expires. */
  expiresAt: 'e',
  lastSeq: 'l',
  messageCount: 'n',
  /** '' for none. */
  agentId: 'a',
  /** JSON: a string or null. */
  title: 't',
  /** JSON object. */
  metadata: 'm',
} as const;

/**
 * The opaque parts of a message, kept in the session's body hash under `<seq>:<suffix>` as JSON
 * text that no script decodes (they are spliced into replies as they are, so `data` stays byte
 * for byte what the caller gave). A missing field reads as its default.
 */
export const BODY_FIELD = {
  /** JSON string; missing: ''. */
  content: 'c',
  /** JSON object; missing: {}. */
  metadata: 'm',
  /** The framework's JSON text as a JSON string; missing: null. */
  data: 'd',
  /** JSON object; missing: null. */
  usage: 'u',
  /** JSON string; missing: null. */
  format: 'f',
  /** A draft's lease: `<token> <lease ms>`; missing once final. */
  lease: 'l',
} as const;

export type BodyField = keyof typeof BODY_FIELD;

/** The order of the opaque parts in a message reply, after its head (see message-codec.ts). */
export const BODY_PARTS = ['content', 'metadata', 'data', 'usage', 'format'] as const;
