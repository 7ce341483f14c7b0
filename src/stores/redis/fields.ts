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
  /** The window index's layout version (layout.ts WINDOW_INDEX_VERSION); absent before it. */
  windowIndex: 'w',
} as const;

/**
 * The hybrid cache's own fields of a cached session hash, beside SESSION_FIELD's (the hybrid's
 * scripts get both as one Lua table F: hybrid/scripts/script-call.ts).
 */
export const CACHE_FIELD = {
  /** Write-behind: the entries of this incarnation still waiting for the flusher. */
  pending: 'p',
  /** Set by flush-ack: PostgreSQL renumbered or skipped some messages; reads go there. */
  stale: 'x',
} as const;

/**
 * The opaque parts of a message: its body, the last value of its log member (layout.ts), an
 * object of the members `"<letter>":<JSON text>` of the parts that are not their default, in
 * BODY_PARTS order. No script decodes them: they are spliced (by the byte lengths kept in the
 * head) and replied as they are, so `data` stays byte for byte what the caller gave.
 */
export const BODY_PART = {
  /** JSON string; default ''. */
  content: 'c',
  /** JSON object; default {}. */
  metadata: 'm',
  /** The framework's JSON text as a JSON string; default null. */
  data: 'd',
  /** JSON object; default null. */
  usage: 'u',
  /** JSON string; default null. */
  format: 'f',
} as const;

export const BODY_PARTS = ['content', 'metadata', 'data', 'usage', 'format'] as const;
