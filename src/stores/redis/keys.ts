import { ValidationError } from '../../contract/errors.js';

/**
 * Where the redis store keeps things. Every key of one user carries the user's hash tag
 * (`{userId}`), so all of a user's keys live on one Redis Cluster slot and each script touches
 * one slot. Ids cannot hold braces (see ID_PATTERN), so a tag is never broken; the session id
 * comes last, after a fixed word, so no two (kind, session) pairs can spell the same key.
 *
 *   <prefix>{<user>}:meta:<session>   hash: the session (see session-codec.ts)
 *   <prefix>{<user>}:msgs:<session>   list: the kept messages, oldest first, as JSON
 *   <prefix>{<user>}:ids:<session>    hash: messageId -> seq of kept messages (idempotency)
 *   <prefix>{<user>}:sessions         zset: session id by last activity (microseconds)
 *   <prefix>{<user>}:counts           hash: session id -> kept messages (for cleanup's counts)
 *   <prefix>agents                    hash: agent id -> agent JSON (shared catalogue, no TTL)
 *   <prefix>cleanup-lock              string: the token of the running cleanup
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

  /** The user's key base; scripts that walk a user's sessions build keys from it. */
  user(userId: string): string {
    return `${this.prefix}{${userId}}:`;
  }

  /** The five keys of one session write, in the order the session scripts take them. */
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
