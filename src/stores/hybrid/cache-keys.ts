import { RedisKeys } from '../redis/keys.js';
import { BUCKET_TAGS, bucketOf } from './flush-buckets.js';

/** The four cache keys of one session, in the order the hybrid scripts take them. */
export type SessionCacheKeys = [meta: string, window: string, ids: string, lease: string];

/** The write marks (scripts/mark-write.lua) a read of one session must heed. */
export interface WriteMarkKeys {
  session: string;
  /** deleteUser's marks, for every session of the user. */
  user: string;
}

/** One write-behind stream and how to find the cached session of one of its entries. */
export interface FlushStream {
  key: string;
  /** The session hash, cached window and messageId hash of an entry's session. */
  sessionKeys(userId: string, sessionId: string): [meta: string, window: string, ids: string];
}

/**
 * The hybrid's Redis layout, the one place its key names are spelt. Users are spread over the
 * buckets of flush-buckets.ts; every key of a bucket leads with the bucket's hash tag, so that a
 * session's keys, its user's write marks and the stream its write-behind entries go to share one
 * Redis Cluster slot, and each script touches one slot. The user follows in braces of its own
 * (ids hold no braces, so no two users or kinds spell the same key):
 *
 *   <prefix>{<tag>}{<user>}:meta:<session>   hash: the session (redis/session-codec.ts)
 *   <prefix>{<tag>}{<user>}:msgs:<session>   list: the newest `window` messages
 *   <prefix>{<tag>}{<user>}:ids:<session>    hash: messageId -> seq
 *   <prefix>{<tag>}{<user>}:lease:<session>  string: token of the reader refilling it
 *   <prefix>{<tag>}{<user>}:wip:<session>    zset: write-through writes in flight (mark-write.lua)
 *   <prefix>{<tag>}{<user>}:wip              zset: the same for deleteUser
 *   <prefix>{<tag>}flush-stream              stream: the bucket's write-behind entries
 *
 * Releases before the buckets kept the session keys under `<prefix>{<user>}:` (the redis store's
 * list layout, RedisKeys.session) and one stream `<prefix>flush-stream`: the flusher still
 * drains that stream on a single Redis (legacyStream), so nothing queued before an upgrade is
 * left behind.
 */
export class CacheKeys {
  readonly redisKeys: RedisKeys;

  constructor(prefix: string) {
    this.redisKeys = new RedisKeys(prefix);
  }

  get prefix(): string {
    return this.redisKeys.prefix;
  }

  session(userId: string, sessionId: string): SessionCacheKeys {
    const base = this.user(userId);
    return [
      `${base}meta:${sessionId}`,
      `${base}msgs:${sessionId}`,
      `${base}ids:${sessionId}`,
      `${base}lease:${sessionId}`,
    ];
  }

  marks(userId: string, sessionId: string): WriteMarkKeys {
    const base = this.user(userId);
    return { session: `${base}wip:${sessionId}`, user: `${base}wip` };
  }

  /** Whether `key` (of user `userId`) is a write mark, which dropping the user's cache keeps. */
  isMark(userId: string, key: string): boolean {
    return key.startsWith(`${this.user(userId)}wip`);
  }

  /** SCAN pattern for every cache key of one user (deleteUser). */
  userPattern(userId: string): string {
    return `${this.user(userId).replace(/[*?[\]\\]/g, '\\$&')}*`;
  }

  /** The write-behind stream a user's entries go to (its bucket's). */
  stream(userId: string): string {
    return this.bucketStream(bucketOf(userId));
  }

  /** The stream (and its session keys) a user's entries go to. */
  streamOf(userId: string): FlushStream {
    return this.streams()[bucketOf(userId)]!;
  }

  /** Every bucket's stream, in bucket order: what the flushers drain. */
  streams(): FlushStream[] {
    return BUCKET_TAGS.map((_, bucket) => ({
      key: this.bucketStream(bucket),
      sessionKeys: (userId, sessionId) => {
        const [meta, window, ids] = this.session(userId, sessionId);
        return [meta, window, ids];
      },
    }));
  }

  /**
   * The one stream of releases before the buckets, with the session keys of that layout: drained
   * on a single Redis after an upgrade, never written.
   */
  legacyStream(): FlushStream {
    return {
      key: `${this.prefix}flush-stream`,
      sessionKeys: (userId, sessionId) => {
        const [meta, window, ids] = this.redisKeys.session(userId, sessionId);
        return [meta, window, ids];
      },
    };
  }

  private user(userId: string): string {
    return `${this.prefix}{${BUCKET_TAGS[bucketOf(userId)]}}{${userId}}:`;
  }

  private bucketStream(bucket: number): string {
    return `${this.prefix}{${BUCKET_TAGS[bucket]}}flush-stream`;
  }
}

/** The consumer group every flusher of one key prefix joins (on each stream). */
export const FLUSH_GROUP = 'convstore-flusher';
