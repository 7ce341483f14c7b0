/**
 * The store's health as the service's public /metrics says it (Prometheus text): the hybrid's
 * cache hits, misses and fallbacks, whether Redis answers, and the write-behind queue. Summed
 * over labels; histograms' buckets are left out.
 */
export interface StoreHealth {
  /** metric name (without the convstore_ prefix) -> value */
  values: Map<string, number>;
}

const WANTED = /^convstore_(cache_|write_behind_)/;

export function parseStoreHealth(text: string): StoreHealth {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !WANTED.test(line)) continue;
    const match = /^([a-z_:]+)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const [, name, raw] = match as unknown as [string, string, string];
    if (/_(bucket|created)$/.test(name)) continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    const key = name.replace(/^convstore_/, '').replace(/_total$/, '');
    values.set(key, (values.get(key) ?? 0) + value);
  }
  return { values };
}

export const HEALTH_LABELS: Record<string, string> = {
  cache_hits: 'Cache hits',
  cache_misses: 'Cache misses',
  cache_fallbacks: 'Calls that fell back to PostgreSQL',
  cache_redis_up: 'Redis answers (1 yes, 0 no)',
  write_behind_queue_depth: 'Write-behind queue depth',
  write_behind_flushed: 'Writes flushed to PostgreSQL',
  write_behind_flush_failures: 'Flush failures',
  write_behind_refused: 'Writes refused (queue full)',
  write_behind_flush_lag_seconds: 'Flush lag (seconds)',
};
