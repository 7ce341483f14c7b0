import type { Cluster, Redis } from 'ioredis';
import { UnavailableError, ValidationError } from '../../contract/errors.js';

/** A single Redis or a Redis Cluster: the stores use only what both offer. */
export type RedisConnection = Redis | Cluster;

export function isCluster(connection: RedisConnection): connection is Cluster {
  return 'isCluster' in connection && connection.isCluster;
}

/** Every master of a cluster, or the one server: where per-server commands must go. */
export function masters(connection: RedisConnection): RedisConnection[] {
  return isCluster(connection) ? connection.nodes('master') : [connection];
}

export interface RedisConnectOptions {
  /**
   * `redis://[user:pass@]host:port[/db]`, `rediss://...` (TLS), or
   * `redis+cluster://host:port[,host:port...]` for a Redis Cluster (any reachable nodes).
   */
  url: string;
  /**
   * True for a cache: commands fail at once while disconnected (the caller falls back to
   * PostgreSQL) instead of queueing, and a hung server times out quickly.
   */
  failFast: boolean;
  /**
   * Return the connection even when Redis does not answer yet (it keeps reconnecting in the
   * background): a cache that is down at start is a degraded cache, not a failed store.
   */
  tolerateDown?: boolean;
}

export const REDIS_URL_PATTERN = /^(redis|rediss|redis\+cluster):\/\//;

/** Connects (ioredis is imported only here, only when a Redis is configured) and waits until ready. */
export async function openRedisConnection(options: RedisConnectOptions): Promise<RedisConnection> {
  const { Redis, Cluster } = await import('ioredis');
  const common = {
    lazyConnect: true,
    maxRetriesPerRequest: options.failFast ? 0 : 1,
    enableOfflineQueue: !options.failFast,
    // A hung server (one that accepts but never answers) must not hang callers forever.
    commandTimeout: options.failFast ? 1000 : 10_000,
    connectionName: 'convstore',
  };
  const connection: RedisConnection = options.url.startsWith('redis+cluster://')
    ? new Cluster(clusterNodes(options.url), {
        lazyConnect: true,
        enableOfflineQueue: !options.failFast,
        redisOptions: common,
      })
    : new Redis(options.url, common);
  // Errors surface on the commands that hit them; the event only keeps Node from crashing.
  connection.on('error', () => {});
  try {
    await connection.connect();
    if (options.failFast && connection.status !== 'ready') await onceReady(connection);
  } catch (error) {
    if (options.tolerateDown) return connection;
    connection.disconnect();
    throw new UnavailableError('redis does not answer', { cause: error });
  }
  return connection;
}

function clusterNodes(url: string): Array<{ host: string; port: number }> {
  const list = url.slice('redis+cluster://'.length).replace(/\/.*$/, '');
  return list.split(',').map((node) => {
    const match = /^([^:]+):(\d+)$/.exec(node.trim());
    if (!match)
      throw ValidationError.field('url', 'must list cluster nodes as host:port,host:port');
    return { host: match[1] as string, port: Number(match[2]) };
  });
}

function onceReady(connection: RedisConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    connection.once('ready', () => resolve());
    connection.once('end', () => reject(new Error('connection ended')));
  });
}
