import type { ConversationStore } from '../../contract/store.js';
import type { CacheStats } from './cache-health.js';

/**
 * The hybrid's cache counters (hits, misses, fallbacks to PostgreSQL, flushes...) for metrics;
 * null for the other stores. Duck-typed so that callers need not load the hybrid to ask.
 */
export function cacheStats(store: ConversationStore): CacheStats | null {
  const candidate = store as ConversationStore & { cacheStats?: () => CacheStats };
  return store.kind === 'hybrid' && typeof candidate.cacheStats === 'function'
    ? candidate.cacheStats()
    : null;
}
