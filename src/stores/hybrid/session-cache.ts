import { randomUUID } from 'node:crypto';
import type { WriteBehindQueue } from '../../contract/capabilities.js';
import { UnavailableError } from '../../contract/errors.js';
import type { AppendResult, Message, Session } from '../../contract/types.js';
import type { RangeQuery } from '../redis/history-args.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { CACHE_FIELD, SESSION_FIELD } from '../redis/fields.js';
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
import {
  deleteReplicated,
  ReplicaLagError,
  runReplicated,
  type ReplicaWait,
} from './replica-wait.js';

export type { WindowRead } from './scripts/read-window.js';

export interface SessionCacheOptions {
  redis: RedisConnection;
  keys: CacheKeys;
  health: CacheHealth;
  /** Messages per cached session. */
  windowSize: number;
  /** How long an idle cached session stays (ms). */
  cacheTtlMs: number;
  /** Replicas the writes an acknowledgement depends on wait for; null: none (replica-wait.ts). */
  replicaWait?: ReplicaWait | null;
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
      await withDeadline(this.durably(mark));
      this.options.health.redisAnswered();
    } catch (error) {
      if (error instanceof ReplicaLagError) {
        // Not on enough replicas: a failover could lose it, so the write does not go ahead.
        await this.run(endWrite(key, token));
        throw error;
      }
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
    // Without a mark (write-behind) nothing else stands for the change if a failover loses it.
    const call = invalidate(keys, marks, session, mark?.token);
    const done = await this.attempt(() =>
      mark ? runScriptCall(this.options.redis, call) : this.durably(call),
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
    const wait = this.options.replicaWait;
    const done = await this.attempt(async () => {
      if (!wait) return this.options.redis.del(...keys);
      // After the PostgreSQL change (remember) the drop is best effort: short of replicas, it
      // is still made on the master.
      return deleteReplicated(this.options.redis, keys, wait).catch((error: unknown) => {
        if (!(remember && error instanceof ReplicaLagError)) throw error;
      });
    });
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
    const call = writeBehindAppend(keys, this.options.keys.stream(spec.input.userId), spec);
    return this.attempt(() => this.durably(call));
  }

  /**
   * write-behind cleanup: Redis's clock (epoch us) and, per session, its queued entries and
   * cached expiry, sent together (not as one pipeline: on a cluster the sessions live on
   * different slots); DOWN when Redis is away.
   */
  async liveness(
    sessions: ReadonlyArray<{ userId: string; sessionId: string }>,
  ): Promise<{ nowUs: number; sessions: CachedLiveness[] } | typeof DOWN> {
    const redis = this.options.redis;
    const replies = await this.attempt(() =>
      Promise.all([
        redis.time(),
        Promise.all(
          sessions.map(({ userId, sessionId }) =>
            redis.hmget(
              this.keys(userId, sessionId)[0],
              CACHE_FIELD.pending,
              SESSION_FIELD.expiresAt,
            ),
          ),
        ),
      ]),
    );
    if (replies === DOWN) return DOWN;
    const [[seconds, micros], hashes] = replies;
    return {
      nowUs: Number(seconds) * 1_000_000 + Number(micros),
      sessions: hashes.map(([pending, expires]) => ({
        pending: Number(pending ?? 0),
        expiresAtUs: expires ? Number(expires) : null,
      })),
    };
  }

  /**
   * write-behind: how many entries wait in the flush streams and when the oldest was queued (a
   * stream id is `<ms>-<n>`), for the queue gauges; rejects when Redis does not answer.
   */
  async queue(): Promise<WriteBehindQueue> {
    const redis = this.options.redis;
    const streams = this.options.keys.streams().map((stream) => stream.key);
    const [depths, oldest] = await Promise.all([
      Promise.all(streams.map((key) => redis.xlen(key))),
      Promise.all(streams.map((key) => redis.xrange(key, '-', '+', 'COUNT', 1))),
    ]);
    const times = oldest
      .map((range) => (range[0] ? Number(range[0][0].split('-')[0]) : NaN))
      .filter((millis) => Number.isFinite(millis));
    return {
      depth: depths.reduce((sum, depth) => sum + depth, 0),
      oldestQueuedAt: times.length > 0 ? Math.min(...times) : null,
    };
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

  /** Runs a script call, then waits for the replicas when the store is configured to. */
  private durably<Result>(call: ScriptCall<Result>): Promise<Result> {
    const wait = this.options.replicaWait;
    return wait
      ? runReplicated(this.options.redis, call, wait)
      : runScriptCall(this.options.redis, call);
  }

  /** Runs one script call; DOWN when Redis failed. */
  private run<Result>(call: ScriptCall<Result>): Promise<Result | typeof DOWN> {
    return this.attempt(() => runScriptCall(this.options.redis, call));
  }

  /**
   * Runs a Redis call; on failure records it and returns DOWN instead of throwing. Too few
   * replicas is not a Redis failure (it answered): that error is the caller's.
   */
  private async attempt<T>(work: () => Promise<T>): Promise<T | typeof DOWN> {
    try {
      const result = await withDeadline(work());
      this.options.health.redisAnswered();
      return result;
    } catch (error) {
      if (error instanceof ReplicaLagError) throw error;
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

/**
 * Longest any cache call may take, past the connection's own command timeout (1 s) and a
 * replica wait (at most 0.8 s): a call the Redis client leaves pending (ioredis 6 can, for a
 * cluster master that dies while it is sent) fails as a timeout instead of holding its caller.
 */
const CALL_DEADLINE_MS = 3000;

function withDeadline<T>(call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Command timed out')), CALL_DEADLINE_MS);
  });
  // The call may still settle later; nobody waits for it then.
  call.catch(() => {});
  return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
}

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
