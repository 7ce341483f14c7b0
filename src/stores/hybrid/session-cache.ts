import { historyArgs } from '../redis/history-args.js';
import { randomUUID } from 'node:crypto';
import type { AppendResult, Message, Session } from '../../contract/types.js';
import type { HistoryQuery } from '../../contract/validation.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { scanEveryNode } from '../redis/scan.js';
import { runScript } from '../redis/scripts.js';
import { messageFromItem, type SessionHash } from '../redis/session-codec.js';
import type { CacheHealth } from './cache-health.js';
import { messageItem, sessionFields } from './cache-codec.js';
import type { CacheKeys, SessionCacheKeys } from './cache-keys.js';
import type { HYBRID_SCRIPTS } from './scripts.generated.js';

export const SCRIPT_NAMESPACE = 'convstore_hybrid';

export interface SessionCacheOptions {
  redis: RedisConnection;
  keys: CacheKeys;
  health: CacheHealth;
  /** Messages per cached session. */
  windowSize: number;
  /** How long an idle cached session stays (ms). */
  cacheTtlMs: number;
}

/** What a history read found in the cache. */
export type WindowRead =
  | { kind: 'hit'; messages: Message[]; cached: CachedVersion }
  | { kind: 'miss'; leaseToken: string | null }
  | { kind: 'database'; pending: number }
  | { kind: 'down' };

/**
 * Which committed state of its session a cached window shows: its last seq and its incarnation
 * (the row's created_at, ms). A write-through reader compares them with PostgreSQL's row.
 */
export interface CachedVersion {
  lastSeq: number;
  createdAtMs: number;
}

/**
 * The Redis half of the hybrid. Every method survives Redis being away: it reports 'down' (or
 * does nothing) and the store carries on against PostgreSQL. A cache change that could not be
 * made (Redis failed after PostgreSQL committed) leaves the session "unsynced": until its keys
 * are deleted, no read is served from the cache, so a stale window is never shown.
 */
export class SessionCache {
  private readonly unsynced = new Map<string, SessionCacheKeys>();

  constructor(private readonly options: SessionCacheOptions) {}

  get redis(): RedisConnection {
    return this.options.redis;
  }

  get streamKey(): string {
    return this.options.keys.stream;
  }

  async readWindow(userId: string, sessionId: string, query: HistoryQuery): Promise<WindowRead> {
    if (!(await this.resync())) return { kind: 'down' };
    const args = historyArgs(query);
    const [meta, window, , lease] = this.keys(userId, sessionId);
    const reply = await this.attempt(() =>
      this.script<[number, string[] | string | number, number?, string?]>(
        'readWindow',
        [meta, window, lease],
        [...args, randomUUID(), LEASE_MS],
      ),
    );
    if (reply === DOWN) return { kind: 'down' };
    const [code, value, lastSeq, createdAt] = reply;
    if (code === 1) {
      const cached = {
        lastSeq: Number(lastSeq),
        createdAtMs: Math.floor(Number(createdAt) / 1000),
      };
      return { kind: 'hit', messages: (value as string[]).map(messageFromItem), cached };
    }
    if (code === 0) return { kind: 'miss', leaseToken: (value as string) || null };
    return { kind: 'database', pending: Number(value) };
  }

  /** The cached session hash (expired or not); null when not cached; DOWN when Redis is away. */
  async probe(userId: string, sessionId: string): Promise<SessionHash | null | typeof DOWN> {
    if (!(await this.resync())) return DOWN;
    const [meta] = this.keys(userId, sessionId);
    const hash = await this.attempt(() => this.options.redis.hgetall(meta));
    if (hash === DOWN) return DOWN;
    return hash.l === undefined ? null : hash;
  }

  /** The cached session hash; null when not cached, expired, or Redis is away. */
  async sessionHash(userId: string, sessionId: string): Promise<SessionHash | null> {
    if (!(await this.resync())) return null;
    const [meta] = this.keys(userId, sessionId);
    const hash = await this.attempt(() => this.options.redis.hgetall(meta));
    if (hash === DOWN || hash.l === undefined) return null;
    return hash;
  }

  /** write-through: after the commit, extends the cached window or drops it (apply-append.lua). */
  async afterAppend(userId: string, sessionId: string, result: AppendResult): Promise<void> {
    await this.resync();
    const firstNew = result.session.lastSeq - result.inserted;
    const items = result.messages.filter((m) => m.seq > firstNew).sort((a, b) => a.seq - b.seq);
    const keys = this.keys(userId, sessionId);
    const applied = await this.attempt(() =>
      this.script<number>('applyAppend', keys, [
        this.options.cacheTtlMs,
        this.options.windowSize,
        result.inserted,
        ...sessionFields(result.session),
        ...items.map(messageItem),
      ]),
    );
    if (applied === DOWN) this.markUnsynced(keys);
    else if (applied === 2) this.options.health.stats.invalidations++;
  }

  /** Puts a session read from PostgreSQL into the cache, if the lease is still this caller's. */
  async fill(
    userId: string,
    sessionId: string,
    token: string,
    session: Session | null,
    messages: Message[],
  ): Promise<boolean> {
    const keys = this.keys(userId, sessionId);
    if (!session) {
      await this.attempt(() => this.script('invalidate', keys, ['', '', '', '', '']));
      return false;
    }
    const filled = await this.attempt(() =>
      this.script<number>('fill', keys, [
        token,
        this.options.cacheTtlMs,
        ...sessionFields(session),
        ...messages.map(messageItem),
      ]),
    );
    return filled === 1;
  }

  /**
   * After PostgreSQL changed a session: drops it from the cache (or, with entries waiting for the
   * flusher, updates its fields in place from `session`).
   */
  async invalidate(userId: string, sessionId: string, session?: Session): Promise<void> {
    await this.resync();
    const keys = this.keys(userId, sessionId);
    const fields = session ? sessionFields(session) : null;
    const done = await this.attempt(() =>
      this.script(
        'invalidate',
        keys,
        fields
          ? [fields[1]!, fields[2]!, fields[5]!, fields[6]!, fields[7]!]
          : ['', '', '', '', ''],
      ),
    );
    if (done === DOWN) this.markUnsynced(keys);
  }

  /**
   * Deletes a session's cache keys whatever waits for the flusher (write-behind delete: queued
   * entries of a deleted incarnation are discarded by the flusher). False when Redis is away;
   * with `remember`, the keys are then deleted as soon as it answers again.
   */
  async dropSession(userId: string, sessionId: string, remember: boolean): Promise<boolean> {
    if (!(await this.resync()) && !remember) return false;
    const keys = this.keys(userId, sessionId);
    const done = await this.attempt(() => this.options.redis.del(...keys));
    if (done !== DOWN) return true;
    if (remember) this.markUnsynced(keys);
    return false;
  }

  /** Gives up a refill lease, only if `token` still holds it (unlock-lease.lua). */
  async releaseLease(userId: string, sessionId: string, token: string): Promise<void> {
    const [, , , lease] = this.keys(userId, sessionId);
    await this.attempt(() => this.script('unlockLease', [lease], [token]));
  }

  /** Deletes what could not be kept in step (see resync); false while Redis is away. */
  ready(): Promise<boolean> {
    return this.resync();
  }

  /**
   * Every cached key of one user (deleteUser), found with SCAN; false when Redis is away (with
   * `remember`, they are then deleted as soon as it answers again).
   */
  async dropUser(userId: string, remember = true): Promise<boolean> {
    if (!(await this.resync()) && !remember) return false;
    const done = await this.attempt(() =>
      scanEveryNode(
        this.options.redis,
        this.options.keys.userPattern(userId),
        1000,
        async (key) => {
          await this.options.redis.del(key);
        },
      ),
    );
    if (done === DOWN && !remember) return false;
    if (done === DOWN) {
      // Without the key names, the only safe thing is to stop serving this user's sessions from
      // the cache: a later deleteUser retry or the cache TTL clears them.
      this.unsynced.set(`user:${userId}`, [this.options.keys.userPattern(userId), '', '', '']);
      return false;
    }
    return true;
  }

  keys(userId: string, sessionId: string): SessionCacheKeys {
    return this.options.keys.session(userId, sessionId);
  }

  script<T>(
    name: keyof typeof HYBRID_SCRIPTS,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<T> {
    return runScript<T>(this.options.redis, SCRIPT_NAMESPACE, name, keys, args);
  }

  /** Runs a Redis call; on failure records it and returns DOWN instead of throwing. */
  async attempt<T>(work: () => Promise<T>): Promise<T | typeof DOWN> {
    try {
      const result = await work();
      this.options.health.redisAnswered();
      return result;
    } catch (error) {
      this.options.health.redisFailed(error);
      return DOWN;
    }
  }

  private markUnsynced(keys: SessionCacheKeys): void {
    this.unsynced.set(keys[0], keys);
  }

  /**
   * Deletes what could not be kept in step; true when nothing stale can be served. Runs before
   * every cache call, reads and writes alike, so other instances sharing the cache stop seeing
   * a stale session as soon as this one reaches Redis again for anything.
   */
  private async resync(): Promise<boolean> {
    if (this.unsynced.size === 0) return true;
    for (const [id, keys] of [...this.unsynced]) {
      const done = id.startsWith('user:')
        ? await this.attempt(() =>
            scanEveryNode(this.options.redis, keys[0], 1000, async (key) => {
              await this.options.redis.del(key);
            }),
          )
        : await this.attempt(() => this.options.redis.del(...keys));
      if (done === DOWN) return false;
      this.unsynced.delete(id);
    }
    return true;
  }
}

export const DOWN = Symbol('redis down');

/** A refill that takes longer than this loses its lease (a crashed reader cannot block refills). */
const LEASE_MS = 5000;
