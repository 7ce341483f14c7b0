import { ValidationError } from '../../contract/errors.js';
import { LEGACY_SESSION_WORDS, SESSION_WORDS } from './layout.js';

/**
 * Where the redis store keeps things. Every key of one user carries the user's hash tag
 * (`{userId}`), so all of a user's keys live on one Redis Cluster slot and each script touches
 * one slot. Ids cannot hold braces (see ID_PATTERN), so a tag is never broken; the session id
 * comes last, after a fixed word, so no two (kind, session) pairs can spell the same key.
 *
 *   <prefix>{<user>}:meta:<session>   hash: the session (fields.ts SESSION_FIELD)
 *   <prefix>{<user>}:log:<session>    zset: the messages scored by seq (layout.ts)
 *   <prefix>{<user>}:mids:<session>   hash: messageId -> `<seq> <fingerprint>` (idempotency)
 *   <prefix>{<user>}:calls:<session>  hash: tool call id -> seq of the message opening it
 *   <prefix>{<user>}:ops:<session>    hash: operation id -> `<body hash> <seqs>` (transact)
 *   <prefix>{<user>}:results:<session> zset: `<seq>:<call id>` by seq, per call a message answers
 *   <prefix>{<user>}:sessions         zset: session id by last activity (microseconds)
 *   <prefix>{<user>}:counts           hash: session id -> kept messages (for cleanup's counts)
 *   <prefix>agents                    hash: agent id -> agent JSON (shared catalogue, no TTL)
 *   <prefix>cleanup-lock              string: the token of the running cleanup
 *   <prefix>changes                   pub/sub channel: draft changes (an opaque session hash)
 *
 * Before structured messages a session kept its messages in a list `msgs:<session>` (index =
 * seq - first) with `ids:<session>` (messageId -> seq): the scripts move such a session into the
 * log when they first touch it; the hybrid cache still keeps that shape (session()), and
 * migrate-redis reads both.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {
    if (!KEY_PREFIX_PATTERN.test(prefix)) {
      throw ValidationError.field(
        'keyPrefix',
        'must be 0-64 characters from A-Z a-z 0-9 . _ : - (no braces: they would break hash tags)',
      );
    }
  }

  /** The pub/sub channel draft checkpoints and finalizes are signalled on (no key: no slot). */
  changesChannel(): string {
    return `${this.prefix}changes`;
  }

  /** The user's key base; scripts that walk a user's sessions build keys from it. */
  user(userId: string): string {
    return `${this.prefix}{${userId}}:`;
  }

  /** A session's keys in the order the store's session scripts take them (layout.ts SESSION_KEYS). */
  store(userId: string, sessionId: string): string[] {
    const base = this.user(userId);
    return [
      ...SESSION_WORDS.map((word) => `${base}${word}:${sessionId}`),
      `${base}sessions`,
      `${base}counts`,
      ...LEGACY_SESSION_WORDS.map((word) => `${base}${word}:${sessionId}`),
    ];
  }

  /**
   * The list layout's five keys (meta, msgs list, ids hash, index, counts): what the hybrid cache
   * keeps and what an older redis store wrote.
   */
  session(userId: string, sessionId: string): [string, string, string, string, string] {
    const base = this.user(userId);
    return [
      `${base}meta:${sessionId}`,
      `${base}msgs:${sessionId}`,
      `${base}ids:${sessionId}`,
      `${base}sessions`,
      `${base}counts`,
    ];
  }

  index(userId: string): string {
    return `${this.user(userId)}sessions`;
  }

  counts(userId: string): string {
    return `${this.user(userId)}counts`;
  }

  get agents(): string {
    return `${this.prefix}agents`;
  }

  get cleanupLock(): string {
    return `${this.prefix}cleanup-lock`;
  }

  /** SCAN pattern matching every user's counts hash under this prefix. */
  get countsPattern(): string {
    return `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}{*}:counts`;
  }
}

export const DEFAULT_KEY_PREFIX = 'convstore:';

const KEY_PREFIX_PATTERN = /^[A-Za-z0-9._:-]{0,64}$/;
