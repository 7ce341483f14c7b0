/** What only some stores can do; absent members mean the store cannot. */
export interface StoreCapabilities {
  /** Hybrid write-behind: writes what is queued to PostgreSQL now; how many entries. */
  flush?: () => Promise<number>;
  /** Hybrid: counters of the cache. */
  cacheStats?: () => CacheCounters;
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
