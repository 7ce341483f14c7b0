import { randomUUID } from 'node:crypto';
import type { WriteBehindQueue } from '../../contract/capabilities.js';
import { UnavailableError } from '../../contract/errors.js';
import type { AppendResult, Message, Session } from '../../contract/types.js';
import type { RangeQuery } from '../redis/history-args.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { scanEveryNode } from '../redis/scan.js';
import type { SessionHash } from '../redis/session-codec.js';
import type { CacheHealth } from './cache-health.js';
import type { CacheKeys, SessionCacheKeys } from './cache-keys.js';
import { applyAppend } from './scripts/apply-append.js';
import { endWrite } from './scripts/end-write.js';
import { markWrite } from './scripts/mark-write.js';
import { fill } from './scripts/fill.js';
import { invalidate } from './scripts/invalidate.js';
import { readWindow, type WindowRead } from './scripts/read-window.js';
import { runScriptCall, type ScriptCall } from './scripts/script-call.js';
import { unlockLease } from './scripts/unlock-lease.js';
import {
  writeBehindAppend,
  type WriteBehindAppendReply,
  type WriteBehindAppendSpec,
} from './scripts/write-behind-append.js';
import { MARK_ABANDONED_MS, MARK_HEARTBEAT_MS } from './write-marks.js';

export type { WindowRead } from './scripts/read-window.js';

export interface SessionCacheOptions {
  redis: RedisConnection;
  keys: CacheKeys;
  health: CacheHealth;
  /** Messages per cached session. */
  windowSize: number;
  /** How long an idle cached session stays (ms). */
  cacheTtlMs: number;
}

/** What write-behind cleanup needs to know of a session in Redis (see write-behind-cleanup.ts). */
export interface CachedLiveness {
  /** Entries of the session still waiting for the flusher. */
  pending: number;
  /** Its cached expiry (epoch us); null when not cached or it never expires. */
  expiresAtUs: number | null;
}

/** A write mark a write-through writer holds while its PostgreSQL write is in flight. */
export interface WriteMark {
  readonly key: string;
  readonly token: string;
  /** Stops refreshing it: the write is settled (its cache update, or endWrite, clears it). */
  settle(): void;
}

/**
 * The Redis half of the hybrid, behind typed methods: the stores never see the Redis client, a
 * key or a script argument. Every method survives Redis being away: it reports DOWN (or does
 * nothing) and the store carries on against PostgreSQL. A cache change that could not be made
 * (Redis failed after PostgreSQL committed) leaves the session "unsynced": until its keys are
 * deleted, this instance serves nothing of it from the cache.
 */
export class SessionCache {
  private readonly unsynced = new Map<string, SessionCacheKeys>();

  constructor(private readonly options: SessionCacheOptions) {}

  async readWindow(
    userId: string,
    sessionId: string,
    query: RangeQuery,
  ): Promise<WindowRead | typeof DOWN> {
    if (!(await this.resync())) return DOWN;
    return this.run(
      readWindow(
        this.keys(userId, sessionId),
        this.options.keys.marks(userId, sessionId),
        query,
        { token: randomUUID(), ms: LEASE_MS },
        MARK_ABANDONED_MS,
      ),
    );
  }

  /**
   * write-through, before PostgreSQL is written: marks the session (or, with a null sessionId,
   * every session of the user) in Redis, so that no read serves the cached copy until the write's
   * cache update clears the mark, even if this process dies in between (mark-write.lua). Null
   * when Redis is away: the write goes on without one, as write-through writes do. When Redis is
   * there but did not take the mark (a timeout, an error reply), it keeps its data, and a copy
   * it could not be told about might be served later: UnavailableError, nothing written.
   */
  async beginWrite(userId: string, sessionId: string | null): Promise<WriteMark | null> {
    await this.resync();
    const marks = this.options.keys.marks(userId, sessionId ?? '');
    const key = sessionId === null ? marks.user : marks.session;
    const token = randomUUID();
    const mark = markWrite(key, token, this.options.cacheTtlMs + MARK_ABANDONED_MS);
    try {
      await runScriptCall(this.options.redis, mark);
      this.options.health.redisAnswered();
    } catch (error) {
      this.options.health.redisFailed(error);
      if (!redisKeepsData(error)) return null;
      throw new UnavailableError(
        'Redis did not answer in time: the session could not be marked before its write; nothing was written, retry',
        { cause: error },
      );
    }
    const heartbeat = setInterval(() => {
      void this.attempt(() => runScriptCall(this.options.redis, mark));
    }, MARK_HEARTBEAT_MS);
    heartbeat.unref();
    return { key, token, settle: () => clearInterval(heartbeat) };
  }

  /** Clears a mark whose write is settled with no cache update to clear it (end-write.lua). */
  async endWrite(mark: WriteMark | null): Promise<void> {
    if (!mark) return;
    mark.settle();
    await this.run(endWrite(mark.key, mark.token));
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
    const hash = await this.probe(userId, sessionId);
    return hash === DOWN ? null : hash;
  }

  /** write-through: after the commit, extends the cached window or drops it (apply-append.lua). */
  async afterAppend(
    userId: string,
    sessionId: string,
    result: AppendResult,
    mark: WriteMark | null = null,
  ): Promise<void> {
    mark?.settle();
    await this.resync();
    const keys = this.keys(userId, sessionId);
    const marks = this.options.keys.marks(userId, sessionId);
    const applied = await this.run(
      applyAppend(keys, marks, mark?.token ?? '', result, this.options),
    );
    if (applied === DOWN) this.markUnsynced(keys);
    else if (applied === 'dropped') this.options.health.stats.invalidations++;
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
    const marks = this.options.keys.marks(userId, sessionId);
    if (!session) {
      await this.run(invalidate(keys, marks));
      return false;
    }
    const { cacheTtlMs } = this.options;
    const filled = await this.run(fill(keys, marks, token, cacheTtlMs, session, messages));
    return filled === true;
  }

  /**
   * After PostgreSQL changed a session: drops it from the cache (or, with entries waiting for the
   * flusher, updates its fields in place from `session`); clears `mark`, the writer's.
   */
  async invalidate(
    userId: string,
    sessionId: string,
    session?: Session,
    mark: WriteMark | null = null,
  ): Promise<void> {
    mark?.settle();
    await this.resync();
    const keys = this.keys(userId, sessionId);
    const marks = this.options.keys.marks(userId, sessionId);
    const done = await this.run(invalidate(keys, marks, session, mark?.token));
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

  /**
   * Takes a session's refill lease (write-behind, before loading it from PostgreSQL): the token
   * when taken, null when someone else holds it, DOWN when Redis is away.
   */
  async takeLease(userId: string, sessionId: string): Promise<string | null | typeof DOWN> {
    const [, , , lease] = this.keys(userId, sessionId);
    const token = randomUUID();
    const taken = await this.attempt(() =>
      this.options.redis.set(lease, token, 'PX', LEASE_MS, 'NX'),
    );
    if (taken === DOWN) return DOWN;
    return taken === 'OK' ? token : null;
  }

  /** Gives up a refill lease, only if `token` still holds it (unlock-lease.lua). */
  async releaseLease(userId: string, sessionId: string, token: string): Promise<void> {
    const [, , , lease] = this.keys(userId, sessionId);
    await this.run(unlockLease(lease, token));
  }

  /** write-behind: the acknowledged write, one atomic script (write-behind-append.lua). */
  async appendBehind(spec: WriteBehindAppendSpec): Promise<WriteBehindAppendReply | typeof DOWN> {
    const keys = this.keys(spec.input.userId, spec.input.sessionId);
    return this.run(writeBehindAppend(keys, this.options.keys.stream, spec));
  }

  /**
   * write-behind cleanup: Redis's clock (epoch us) and, per session, its queued entries and
   * cached expiry, in one pipeline; DOWN when Redis is away.
   */
  async liveness(
    sessions: ReadonlyArray<{ userId: string; sessionId: string }>,
  ): Promise<{ nowUs: number; sessions: CachedLiveness[] } | typeof DOWN> {
    const replies = await this.attempt(async () => {
      const pipeline = this.options.redis.pipeline();
      pipeline.time();
      for (const { userId, sessionId } of sessions) {
        pipeline.hmget(this.keys(userId, sessionId)[0], 'p', 'e');
      }
      const results = (await pipeline.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
      return results.map(([, value]) => value);
    });
    if (replies === DOWN) return DOWN;
    const [seconds, micros] = replies[0] as [string, string];
    return {
      nowUs: Number(seconds) * 1_000_000 + Number(micros),
      sessions: replies.slice(1).map((reply) => {
        const [pending, expires] = reply as [string | null, string | null];
        return { pending: Number(pending ?? 0), expiresAtUs: expires ? Number(expires) : null };
      }),
    };
  }

  /**
   * write-behind: how many entries wait in the flush stream and when the oldest was queued (its
   * stream id is `<ms>-<n>`), for the queue gauges; rejects when Redis does not answer.
   */
  async queue(): Promise<WriteBehindQueue> {
    const key = this.options.keys.stream;
    const [depth, oldest] = await Promise.all([
      this.options.redis.xlen(key),
      this.options.redis.xrange(key, '-', '+', 'COUNT', 1),
    ]);
    const millis = oldest[0] ? Number(oldest[0][0].split('-')[0]) : NaN;
    return { depth, oldestQueuedAt: Number.isFinite(millis) ? millis : null };
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
    const pattern = this.options.keys.userPattern(userId);
    const done = await this.attempt(() => this.deleteMatching(userId, pattern));
    if (done === DOWN && !remember) return false;
    if (done === DOWN) {
      // Without the key names, the only safe thing is to stop serving this user's sessions from
      // the cache: a later deleteUser retry or the cache TTL clears them.
      this.unsynced.set(`user:${userId}`, [pattern, '', '', '']);
      return false;
    }
    return true;
  }

  private keys(userId: string, sessionId: string): SessionCacheKeys {
    return this.options.keys.session(userId, sessionId);
  }

  /** Runs one script call; DOWN when Redis failed. */
  private run<Result>(call: ScriptCall<Result>): Promise<Result | typeof DOWN> {
    return this.attempt(() => runScriptCall(this.options.redis, call));
  }

  /** Runs a Redis call; on failure records it and returns DOWN instead of throwing. */
  private async attempt<T>(work: () => Promise<T>): Promise<T | typeof DOWN> {
    try {
      const result = await work();
      this.options.health.redisAnswered();
      return result;
    } catch (error) {
      this.options.health.redisFailed(error);
      return DOWN;
    }
  }

  /** A user's cache keys, except its write marks: those belong to writes still in flight. */
  private deleteMatching(userId: string, pattern: string): Promise<unknown> {
    return scanEveryNode(this.options.redis, pattern, 1000, async (key) => {
      if (!this.options.keys.isMark(userId, key)) await this.options.redis.del(key);
    });
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
        ? await this.attempt(() => this.deleteMatching(id.slice('user:'.length), keys[0]))
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

/**
 * Whether a failed call leaves Redis holding what it held: it answered with an error, or took
 * too long (hung, paused, overloaded). Otherwise the connection is down: Redis is gone, or out
 * of reach.
 */
function redisKeepsData(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'ReplyError' || error.message === 'Command timed out';
}
