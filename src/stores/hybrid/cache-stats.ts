import type { ConversationStore } from '../../contract/store.js';
import type { CacheStats } from './cache-health.js';

/**
 * The hybrid's cache counters (hits, misses, fallbacks to PostgreSQL, flushes...) for metrics;
 * null for the other stores (store.capabilities.cacheStats is the typed way to ask).
 */
export function cacheStats(store: ConversationStore): CacheStats | null {
  return store.capabilities.cacheStats?.() ?? null;
}
