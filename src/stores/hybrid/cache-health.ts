import type { CacheCounters } from '../../contract/capabilities.js';
/**
 * What the hybrid's cache did, for the service's metrics (counters only: no labels carry ids or
 * content), and whether Redis answers. A change of state is logged once, not per request.
 */
/** The counters, as the contract names them (store.capabilities.cacheStats). */
export type CacheStats = CacheCounters;

export type CacheLogger = (message: string) => void;

export class CacheHealth {
  readonly stats: CacheStats = {
    redisAvailable: true,
    hits: 0,
    misses: 0,
    fallbacks: 0,
    invalidations: 0,
    flushed: 0,
    flushFailures: 0,
    refused: 0,
    discarded: 0,
  };

  constructor(private readonly log: CacheLogger) {}

  redisFailed(error: unknown): void {
    this.stats.fallbacks++;
    if (!this.stats.redisAvailable) return;
    this.stats.redisAvailable = false;
    const reason = error instanceof Error ? error.name : 'error';
    this.log(`convstore: redis cache unavailable (${reason}); serving from PostgreSQL`);
  }

  redisAnswered(): void {
    if (this.stats.redisAvailable) return;
    this.stats.redisAvailable = true;
    this.log('convstore: redis cache answers again');
  }
}
