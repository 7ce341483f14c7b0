/**
 * Every metric convstore records, in one list: the library creates its instruments from it, and
 * the service's Prometheus endpoint names them from it (appending the unit, as Prometheus
 * expects: `convstore.store.operation.duration` in seconds is
 * `convstore_store_operation_duration_seconds`). Attributes are the ones of attributes.ts.
 */
export const INSTRUMENTS = {
  operationDuration: {
    name: 'convstore.store.operation.duration',
    type: 'histogram',
    unit: 's',
    description: 'Store operation latency by store, operation and error.type (absent when ok)',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  },
  operationErrors: {
    name: 'convstore.store.operation.errors',
    type: 'counter',
    unit: '',
    description: 'Store operations that failed, by store, operation and error.type (the code)',
  },
  appendMessages: {
    name: 'convstore.append.messages',
    type: 'histogram',
    unit: '',
    description: 'Messages per append call',
    buckets: [1, 2, 5, 10, 20, 50, 100],
  },
  appendBatchSize: {
    name: 'convstore.append.batch.size',
    type: 'histogram',
    unit: '',
    description: 'Append calls sent to PostgreSQL as one statement (postgres and hybrid stores)',
    buckets: [1, 2, 4, 8, 16, 32, 64],
  },
  cleanupSessions: {
    name: 'convstore.cleanup.sessions',
    type: 'counter',
    unit: '',
    description: 'Expired sessions reclaimed by cleanup',
  },
  cleanupMessages: {
    name: 'convstore.cleanup.messages',
    type: 'counter',
    unit: '',
    description: 'Messages of expired sessions reclaimed by cleanup',
  },
  cacheHits: {
    name: 'convstore.cache.hits',
    type: 'observableCounter',
    unit: '',
    description: 'Reads answered by the Redis cache (hybrid store)',
  },
  cacheMisses: {
    name: 'convstore.cache.misses',
    type: 'observableCounter',
    unit: '',
    description: 'Reads the Redis cache could not answer (hybrid store)',
  },
  cacheFallbacks: {
    name: 'convstore.cache.fallbacks',
    type: 'observableCounter',
    unit: '',
    description: 'Calls that went to PostgreSQL because Redis failed (hybrid store)',
  },
  cacheRedisUp: {
    name: 'convstore.cache.redis_up',
    type: 'observableGauge',
    unit: '',
    description: '1 while the Redis cache answers, 0 while calls fall back to PostgreSQL (hybrid)',
  },
  writeBehindFlushed: {
    name: 'convstore.write_behind.flushed',
    type: 'observableCounter',
    unit: '',
    description: "Queued writes this process's flusher wrote to PostgreSQL (write-behind)",
  },
  writeBehindFlushFailures: {
    name: 'convstore.write_behind.flush_failures',
    type: 'observableCounter',
    unit: '',
    description: 'Flush batches that failed and are retried (write-behind)',
  },
  writeBehindRefused: {
    name: 'convstore.write_behind.refused',
    type: 'observableCounter',
    unit: '',
    description: 'Appends refused because the write-behind queue was full',
  },
  writeBehindQueueDepth: {
    name: 'convstore.write_behind.queue.depth',
    type: 'observableGauge',
    unit: '',
    description: 'Writes acknowledged from Redis and not yet in PostgreSQL (write-behind)',
  },
  writeBehindFlushLag: {
    name: 'convstore.write_behind.flush.lag',
    type: 'observableGauge',
    unit: 's',
    description: 'Age of the oldest write not yet in PostgreSQL; 0 when none waits (write-behind)',
  },
  migrationSessions: {
    name: 'convstore.migration.sessions',
    type: 'counter',
    unit: '',
    description: 'Sessions copied by migrate-redis (Redis to PostgreSQL)',
  },
  migrationMessages: {
    name: 'convstore.migration.messages',
    type: 'counter',
    unit: '',
    description: 'Messages copied by migrate-redis (Redis to PostgreSQL)',
  },
  schemaMigrations: {
    name: 'convstore.schema.migrations',
    type: 'counter',
    unit: '',
    description: 'Schema migrations applied by migrateDatabase (`convstore db migrate`)',
  },
} as const satisfies Record<string, InstrumentSpec>;

export interface InstrumentSpec {
  name: string;
  type: 'histogram' | 'counter' | 'observableCounter' | 'observableGauge';
  /** UCUM, as OpenTelemetry wants: 's' for seconds, '' for a count. */
  unit: string;
  description: string;
  /** Histogram bucket boundaries (an advice to the SDK; a View may override it). */
  buckets?: readonly number[];
}

/** The instrument name Prometheus shows (before the `_total` a counter gets). */
export function prometheusName(spec: InstrumentSpec): string {
  const base = spec.name.replace(/[^a-zA-Z0-9_]/g, '_');
  return spec.unit === 's' ? `${base}_seconds` : base;
}
