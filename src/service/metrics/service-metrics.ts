import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Something that counts cache hits and misses (the hybrid store does). */
export interface CacheCounters {
  cacheStats(): { hits: number; misses: number; redisAvailable?: boolean };
}

/**
 * The service's Prometheus metrics, in a registry of its own (two services in one process do not
 * collide). Labels are route templates, methods, status codes, operation names and error codes:
 * never ids or message text.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly requestDuration = new Histogram({
    name: 'convstore_http_request_duration_seconds',
    help: 'HTTP request latency by route template, method and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly requestsInFlight = new Gauge({
    name: 'convstore_http_requests_in_flight',
    help: 'HTTP requests being served',
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'convstore_http_errors_total',
    help: 'HTTP error responses by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly storeDuration = new Histogram({
    name: 'convstore_store_operation_duration_seconds',
    help: 'Store operation latency by operation and outcome (ok or the error code)',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  private cache: CacheCounters | null = null;
  private readonly seen = { hits: 0, misses: 0 };

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'convstore_' });
    const catchUp = (counter: Counter, which: 'hits' | 'misses') => this.catchUp(counter, which);
    new Counter({
      name: 'convstore_cache_hits_total',
      help: 'Reads answered by the Redis cache (hybrid store only)',
      registers: [this.registry],
      collect() {
        catchUp(this, 'hits');
      },
    });
    new Counter({
      name: 'convstore_cache_misses_total',
      help: 'Reads the Redis cache could not answer (hybrid store only)',
      registers: [this.registry],
      collect() {
        catchUp(this, 'misses');
      },
    });
    const cacheUp = (): number | null => {
      const stats = this.cache?.cacheStats();
      return stats?.redisAvailable === undefined ? null : Number(stats.redisAvailable);
    };
    new Gauge({
      name: 'convstore_cache_redis_up',
      help: '1 while the Redis cache answers, 0 while calls fall back to PostgreSQL (hybrid only)',
      registers: [this.registry],
      collect() {
        const up = cacheUp();
        if (up !== null) this.set(up);
      },
    });
  }

  /** Reads cache counters from the store when it keeps them. */
  watchCache(source: unknown): void {
    if (isCacheCounters(source)) this.cache = source;
  }

  private catchUp(counter: Counter, which: 'hits' | 'misses'): void {
    if (!this.cache) return;
    const now = this.cache.cacheStats()[which];
    if (now > this.seen[which]) counter.inc(now - this.seen[which]);
    this.seen[which] = now;
  }
}

function isCacheCounters(value: unknown): value is CacheCounters {
  return (
    typeof value === 'object' &&
    value !== null &&
    'cacheStats' in value &&
    typeof (value as CacheCounters).cacheStats === 'function'
  );
}
