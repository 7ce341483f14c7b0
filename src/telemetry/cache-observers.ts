import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import type { ConversationStore } from '../contract/store.js';
import { cacheStats } from '../stores/hybrid/cache-stats.js';
import type { TelemetryAttributes } from './attributes.js';
import { observableCounter, observableGauge } from './create-instruments.js';
import { INSTRUMENTS } from './instruments.js';

/** The few Redis commands the queue gauges send (the hybrid's own connection). */
interface StreamReader {
  xlen(key: string): Promise<number>;
  xrange(key: string, start: string, end: string, count: 'COUNT', n: number): Promise<unknown[]>;
}

/** A hybrid store in write-behind mode says where its queue of writes is. */
interface WriteBehindSource {
  writeBehindStream(): { redis: StreamReader; key: string } | null;
}

/**
 * The hybrid's counters (hits, misses, fallbacks, flushes...) and its write-behind queue, read
 * when the metrics are collected: nothing is added to the store's calls. Returns the function
 * that stops observing (at close), or null for stores without a cache.
 */
export function observeCache(
  meter: Meter,
  store: ConversationStore,
  attributes: TelemetryAttributes,
): (() => void) | null {
  if (!cacheStats(store)) return null;
  const counters = {
    hits: observableCounter(meter, INSTRUMENTS.cacheHits),
    misses: observableCounter(meter, INSTRUMENTS.cacheMisses),
    fallbacks: observableCounter(meter, INSTRUMENTS.cacheFallbacks),
    flushed: observableCounter(meter, INSTRUMENTS.writeBehindFlushed),
    flushFailures: observableCounter(meter, INSTRUMENTS.writeBehindFlushFailures),
    refused: observableCounter(meter, INSTRUMENTS.writeBehindRefused),
  } as const;
  const redisUp = observableGauge(meter, INSTRUMENTS.cacheRedisUp);
  const depth = observableGauge(meter, INSTRUMENTS.writeBehindQueueDepth);
  const lag = observableGauge(meter, INSTRUMENTS.writeBehindFlushLag);
  const queue = writeBehindStream(store);
  const observables: Observable[] = [...Object.values(counters), redisUp];
  if (queue) observables.push(depth, lag);

  const callback: BatchObservableCallback = async (result) => {
    const stats = cacheStats(store);
    if (!stats) return;
    for (const [field, instrument] of Object.entries(counters)) {
      result.observe(instrument, stats[field as keyof typeof counters], attributes);
    }
    result.observe(redisUp, stats.redisAvailable ? 1 : 0, attributes);
    if (!queue || !stats.redisAvailable) return;
    try {
      const [length, oldest] = await Promise.all([
        queue.redis.xlen(queue.key),
        queue.redis.xrange(queue.key, '-', '+', 'COUNT', 1),
      ]);
      result.observe(depth, length, attributes);
      result.observe(lag, entryAgeSeconds(oldest), attributes);
    } catch {
      // Redis went away between the health check and this read: no queue figures this time.
    }
  };
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}

function writeBehindStream(
  store: ConversationStore,
): ReturnType<WriteBehindSource['writeBehindStream']> {
  const source = store as ConversationStore & Partial<WriteBehindSource>;
  return typeof source.writeBehindStream === 'function' ? source.writeBehindStream() : null;
}

/** A stream id is `<ms since the epoch>-<n>`: the oldest entry's age, 0 when none waits. */
function entryAgeSeconds(oldest: unknown[]): number {
  const first = oldest[0] as [string, unknown] | undefined;
  const millis = first ? Number(first[0].split('-')[0]) : NaN;
  return Number.isFinite(millis) ? Math.max(0, (Date.now() - millis) / 1000) : 0;
}
