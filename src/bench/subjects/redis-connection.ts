import type { Cluster, Redis } from 'ioredis';

/** One ioredis connection, connected before returning (errors surface here, not mid-run). */
export async function openRedis(url: string): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  return redis;
}

/** As openRedis, or a Redis Cluster for a `redis+cluster://host:port,...` url. */
export async function openAnyRedis(url: string): Promise<Redis | Cluster> {
  const { Cluster } = await import('ioredis');
  if (url.startsWith('redis+cluster://')) {
    const nodes = url
      .slice('redis+cluster://'.length)
      .split(',')
      .map((node) => ({ host: node.split(':')[0]!, port: Number(node.split(':')[1]) }));
    const cluster = new Cluster(nodes, { lazyConnect: true });
    await cluster.connect();
    return cluster;
  }
  return openRedis(url);
}

/** The servers to SCAN: every master of a cluster, or the one Redis. */
function scanned(redis: Redis | Cluster): Redis[] {
  return 'isCluster' in redis && redis.isCluster
    ? (redis as Cluster).nodes('master')
    : [redis as Redis];
}

/** Deletes every key under a prefix, by SCAN (never KEYS) and in batches (one slot at a time). */
export async function deleteKeys(redis: Redis | Cluster, prefix: string): Promise<number> {
  let deleted = 0;
  for (const node of scanned(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(
        cursor,
        'MATCH',
        `${escapeGlob(prefix)}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      for (const key of keys) deleted += await node.unlink(key);
    } while (cursor !== '0');
  }
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
  const redis = await openAnyRedis(url);
  try {
    const streams: string[] = [];
    for (const node of scanned(redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(
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
    }
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
