import type { PortableStore } from './portability.js';

/** What only some stores can do; absent members mean the store cannot. */
export interface StoreCapabilities {
  /** Export and import of whole sessions, on stores that can enumerate them (see PortableStore). */
  portability?: PortableStore;
  /** Hybrid write-behind: writes what is queued to PostgreSQL now; how many entries. */
  flush?: () => Promise<number>;
  /** Hybrid: counters of the cache. */
  cacheStats?: () => CacheCounters;
  /**
   * Hybrid write-behind: the writes waiting for PostgreSQL, and when the oldest was queued
   * (epoch ms; null when none waits). Rejects while Redis does not answer.
   */
  writeBehindQueue?: () => Promise<{ depth: number; oldestQueuedAt: number | null }>;
  /** Hybrid: how appends are acknowledged. */
  writeMode?: 'write-through' | 'write-behind';
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
