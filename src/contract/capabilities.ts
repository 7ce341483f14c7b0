import type { PortableStore } from './portability.js';
import type { UsageRollup } from './usage-rollup.js';

/** What only some stores can do; absent members mean the store cannot. */
export interface StoreCapabilities {
  /** Export and import of whole sessions, on stores that can enumerate them (see PortableStore). */
  portability?: PortableStore;
  /** PostgreSQL, PGlite, hybrid: rolls usage up (to five minutes ago) for reports. */
  usageRollup?: UsageRollup;
  /** Hybrid write-behind: writes what is queued to PostgreSQL now; how many entries. */
  flush?: () => Promise<number>;
  /** Hybrid: counters of the cache. */
  cacheStats?: () => CacheCounters;
  /** Hybrid: how appends are acknowledged. */
  writeMode?: 'write-through' | 'write-behind';
  /**
   * Hybrid write-behind: the writes waiting for PostgreSQL, for queue metrics. Rejects while
   * Redis does not answer.
   */
  writeBehindQueue?: () => Promise<WriteBehindQueue>;
  /**
   * Signals that a session's streaming drafts changed (a checkpoint or a finalize), from any
   * process on the same database or Redis: the service's draft events wait on it instead of
   * polling. Signals carry nothing but the wake-up; the follower reads the store.
   */
  changes?: ChangeFeed;
}

/** Wake-ups per session, delivered soon after a draft of it changed, on every instance. */
export interface ChangeFeed {
  /**
   * Calls `onChange` after each change to a draft of the session, until the returned function
   * is called. Resolves once the feed listens, so a change made after it resolves is signalled.
   * A signal can be lost while the connection is re-established: followers still re-read now
   * and then.
   */
  watch(session: { userId: string; sessionId: string }, onChange: () => void): Promise<() => void>;
}

/** The write-behind queue: entries waiting, and when the oldest was queued (null: none). */
export interface WriteBehindQueue {
  depth: number;
  /** Epoch ms, from the oldest entry's stream id. */
  oldestQueuedAt: number | null;
}

/** The hybrid's cache counters (see the README's hybrid section). */
export interface CacheCounters {
  redisAvailable: boolean;
  hits: number;
  misses: number;
  fallbacks: number;
  invalidations: number;
  flushed: number;
  flushFailures: number;
  refused: number;
  discarded: number;
}
