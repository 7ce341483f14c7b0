import { RedisKeys } from '../redis/keys.js';

/** The four cache keys of one session, in the order the hybrid scripts take them. */
export type SessionCacheKeys = [meta: string, window: string, ids: string, lease: string];

/**
 * The hybrid's Redis layout: the redis store's session hash, message list (here: the newest
 * `window` messages) and messageId hash, plus a refill lease per session and one flush stream:
 *
 *   <prefix>{<user>}:meta:<session>  <prefix>{<user>}:msgs:<session>  <prefix>{<user>}:ids:<session>
 *   <prefix>{<user>}:lease:<session>  string: token of the reader refilling it from PostgreSQL
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
