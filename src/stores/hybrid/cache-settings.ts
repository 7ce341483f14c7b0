import { ValidationError } from '../../contract/errors.js';
import type { ResolvedStoreOptions } from '../../options.js';

/** How the hybrid acknowledges writes: write-through-store.ts, write-behind-store.ts. */
export type WriteMode = 'write-through' | 'write-behind';

/** The hybrid's cache options with every default filled in (see CacheOptions in options.ts). */
export interface CacheSettings {
  url: string;
  writeMode: WriteMode;
  /** Messages per cached session: never more than PostgreSQL keeps, nor than one read returns. */
  windowSize: number;
  /** Idle time before a cached session is evicted; never longer than the session's own TTL. */
  cacheTtlMs: number;
  maxPending: number;
  runFlusher: boolean;
  flushBatchSize: number;
  claimIdleMs: number;
  /** Replicas every acknowledged cache write waits for (0: none); see replica-wait.ts. */
  waitReplicas: number;
  waitTimeoutMs: number;
}

export const DEFAULT_CACHE_SETTINGS = {
  writeMode: 'write-through',
  windowSize: 200,
  cacheTtlSeconds: 3600,
  maxPending: 100_000,
  flushBatchSize: 200,
  claimIdleMs: 30_000,
  waitReplicas: 0,
  waitTimeoutMs: 500,
} as const;

export function resolveCacheSettings(options: ResolvedStoreOptions): CacheSettings {
  const cache = options.cache;
  if (!cache) throw ValidationError.field('cache', 'is required for the hybrid store');
  const windowSize = Math.min(
    cache.window ?? options.maxHistory ?? DEFAULT_CACHE_SETTINGS.windowSize,
    options.maxHistory ?? Number.MAX_SAFE_INTEGER,
    options.limits.maxPageSize,
  );
  const cacheTtlSeconds = Math.min(
    cache.cacheTtlSeconds ?? DEFAULT_CACHE_SETTINGS.cacheTtlSeconds,
    options.ttlSeconds ?? Number.MAX_SAFE_INTEGER,
  );
  return {
    url: cache.url,
    writeMode: cache.writeMode ?? DEFAULT_CACHE_SETTINGS.writeMode,
    windowSize,
    cacheTtlMs: cacheTtlSeconds * 1000,
    maxPending: cache.maxPending ?? DEFAULT_CACHE_SETTINGS.maxPending,
    runFlusher: cache.flusher ?? true,
    flushBatchSize: cache.flushBatchSize ?? DEFAULT_CACHE_SETTINGS.flushBatchSize,
    claimIdleMs: cache.claimIdleMs ?? DEFAULT_CACHE_SETTINGS.claimIdleMs,
    waitReplicas: cache.waitReplicas ?? DEFAULT_CACHE_SETTINGS.waitReplicas,
    waitTimeoutMs: cache.waitTimeoutMs ?? DEFAULT_CACHE_SETTINGS.waitTimeoutMs,
  };
}
