/**
 * What the hybrid's cache did, for the service's metrics (counters only: no labels carry ids or
 * content), and whether Redis answers. A change of state is logged once, not per request.
 */
export interface CacheStats {
  /** True while Redis answers; false: every call goes to PostgreSQL. */
  redisAvailable: boolean;
  /** Reads answered from Redis. */
  hits: number;
  /** Reads that went to PostgreSQL (not cached, or older than the cached window). */
  misses: number;
  /** Calls that went to PostgreSQL because Redis failed. */
  fallbacks: number;
  /** Cached sessions dropped because an update could not be applied in order. */
  invalidations: number;
  /** write-behind: stream entries written to PostgreSQL by this process's flusher. */
  flushed: number;
  /** write-behind: flush batches that failed (PostgreSQL away); they are retried. */
  flushFailures: number;
  /** write-behind: appends refused because the stream reached its bound. */
  refused: number;
  /**
   * write-behind: entries discarded because their session was deleted, erased, restarted or
   * reclaimed in PostgreSQL meanwhile (see flush-claim.sql); above 0 without deletes, suspect a
   * cleanup that bypassed the hybrid store.
   */
  discarded: number;
}

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
