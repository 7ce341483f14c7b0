import type { PortableStore } from './portability.js';
import type { UsageRollup } from './usage-rollup.js';

/** What only some stores can do; absent members mean the store cannot. */
export interface StoreCapabilities {
  /** Export and import of whole sessions, on stores that can enumerate them (see PortableStore). */
  portability?: PortableStore;
  /** PostgreSQL, PGlite, hybrid: rolls closed hours of messages up for usage reports. */
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
