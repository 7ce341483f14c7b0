import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import type { ConversationStore } from '../contract/store.js';
import { cacheStats } from '../stores/hybrid/cache-stats.js';
import type { TelemetryAttributes } from './attributes.js';
import { observableCounter, observableGauge } from './create-instruments.js';
import { INSTRUMENTS } from './instruments.js';

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
  // A hybrid store in write-behind mode reports its queue of writes (capabilities).
  const queue = store.capabilities.writeBehindQueue;
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
      const { depth: length, oldestQueuedAt } = await queue();
      result.observe(depth, length, attributes);
      result.observe(lag, ageSeconds(oldestQueuedAt), attributes);
    } catch {
      // Redis went away between the health check and this read: no queue figures this time.
    }
  };
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}

/** The oldest waiting entry's age, 0 when none waits. */
function ageSeconds(queuedAt: number | null): number {
  return queuedAt === null ? 0 : Math.max(0, (Date.now() - queuedAt) / 1000);
}
