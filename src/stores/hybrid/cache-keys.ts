import { RedisKeys } from '../redis/keys.js';

/** The four cache keys of one session, in the order the hybrid scripts take them. */
export type SessionCacheKeys = [meta: string, window: string, ids: string, lease: string];

/** The write marks (scripts/mark-write.lua) a read of one session must heed. */
export interface WriteMarkKeys {
  session: string;
  /** deleteUser's marks, for every session of the user. */
  user: string;
}

/**
 * The hybrid's Redis layout: the redis store's session hash, message list (here: the newest
 * `window` messages) and messageId hash, plus a refill lease per session and one flush stream:
 *
 *   <prefix>{<user>}:meta:<session>  <prefix>{<user>}:msgs:<session>  <prefix>{<user>}:ids:<session>
 *   <prefix>{<user>}:lease:<session>  string: token of the reader refilling it from PostgreSQL
 *   <prefix>{<user>}:wip:<session>    zset: write-through writes in flight (mark-write.lua)
 *   <prefix>{<user>}:wip              zset: the same for deleteUser
 *   <prefix>flush-stream              stream: write-behind entries waiting for PostgreSQL
 */
export class CacheKeys {
  readonly redisKeys: RedisKeys;

  constructor(prefix: string) {
    this.redisKeys = new RedisKeys(prefix);
  }

  session(userId: string, sessionId: string): SessionCacheKeys {
    const [meta, window, ids] = this.redisKeys.session(userId, sessionId);
    return [meta, window, ids, `${this.redisKeys.user(userId)}lease:${sessionId}`];
  }

  marks(userId: string, sessionId: string): WriteMarkKeys {
    const base = this.redisKeys.user(userId);
    return { session: `${base}wip:${sessionId}`, user: `${base}wip` };
  }

  /** Whether `key` (of user `userId`) is a write mark, which dropping the user's cache keeps. */
  isMark(userId: string, key: string): boolean {
    return key.startsWith(`${this.redisKeys.user(userId)}wip`);
  }

  /** SCAN pattern for every cache key of one user (deleteUser). */
  userPattern(userId: string): string {
    return `${this.redisKeys.user(userId).replace(/[*?[\]\\]/g, '\\$&')}*`;
  }

  get stream(): string {
    return `${this.redisKeys.prefix}flush-stream`;
  }
}

/** The consumer group every flusher of one key prefix joins. */
export const FLUSH_GROUP = 'convstore-flusher';
