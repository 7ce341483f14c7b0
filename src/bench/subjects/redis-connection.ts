import type { Redis } from 'ioredis';

/** One ioredis connection, connected before returning (errors surface here, not mid-run). */
export async function openRedis(url: string): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  return redis;
}

/** Deletes every key under a prefix, by SCAN (never KEYS) and in batches. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * Waits until every stream under a prefix is empty: the write-behind flusher deletes entries once
 * PostgreSQL has them, so an empty stream means its backlog is written. Gives up after `maxMs`.
 */
export async function drainStreams(url: string, prefix: string, maxMs = 30_000): Promise<void> {
  const redis = await openRedis(url);
  try {
    const streams: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${escapeGlob(prefix)}*`,
        'COUNT',
        1000,
        'TYPE',
        'stream',
      );
      cursor = next;
      streams.push(...keys);
    } while (cursor !== '0');
    const deadline = Date.now() + maxMs;
    for (const stream of streams) {
      while ((await redis.xlen(stream)) > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  } finally {
    redis.disconnect();
  }
}
