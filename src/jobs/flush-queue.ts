import { CacheKeys } from '../stores/hybrid/cache-keys.js';
import { openRedisConnection } from '../stores/redis/redis-connection.js';

export interface FlushQueueOptions {
  redisUrl: string;
  keyPrefix: string;
  /** Wait for the queue to appear (a long-running flusher) instead of answering at once. */
  wait: boolean;
  signal?: AbortSignal;
  /** Told once when the queue is not there yet. */
  onMissing?: (stream: string) => void;
  /** How often to look again while waiting. Default 1000 ms. */
  pollMs?: number;
}

/**
 * Whether the write-behind queue (any bucket's flush stream, see cache-keys.ts) exists under a key prefix. A flusher must not
 * create it: under a prefix the service does not use (a typo, another variable name) it would
 * wait forever on a stream nobody writes and report "flushed 0" as if all were well. With `wait`,
 * looks again every `pollMs` until it appears or `signal` aborts (then false).
 */
export async function findFlushQueue(options: FlushQueueOptions): Promise<boolean> {
  const keys = new CacheKeys(options.keyPrefix);
  const streams = [...keys.streams(), keys.legacyStream()].map((stream) => stream.key);
  // Told by the name of the first bucket's stream: the flusher creates them all at once.
  const stream = streams[0]!;
  const redis = await openRedisConnection({ url: options.redisUrl, failFast: false });
  try {
    let told = false;
    for (;;) {
      const found = await Promise.all(streams.map((key) => redis.exists(key)));
      if (found.some((exists) => exists === 1)) return true;
      if (!told) options.onMissing?.(stream);
      told = true;
      if (!options.wait || options.signal?.aborted) return false;
      await pause(options.pollMs ?? 1000, options.signal);
      if (options.signal?.aborted) return false;
    }
  } finally {
    redis.disconnect();
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
