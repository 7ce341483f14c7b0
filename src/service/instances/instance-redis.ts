import { openRedisConnection, type RedisConnection } from '../../stores/redis/redis-connection.js';

/**
 * The service's own Redis connections, when REDIS_URL is set, for what several instances share:
 * the rate limit counters (commands) and the revocation channel (a subscriber, which can run
 * nothing else). Separate from the hybrid store's cache connection so that a blocked subscriber
 * or a counter never waits behind the store's scripts.
 */
export interface InstanceRedis {
  /** A single Redis or a Redis Cluster (REDIS_URL=redis+cluster://...), as the cache is. */
  commands: RedisConnection;
  subscriber: RedisConnection;
  close(): Promise<void>;
}

/** Connects both (ioredis is imported only when a Redis is configured) and waits until ready. */
export async function openInstanceRedis(url: string): Promise<InstanceRedis> {
  // One retry, then fail: a rate limit check must not hang a request while Redis is away (the
  // limiter then lets the request through, see build-app). The rate limit's script touches one
  // key, and pub/sub reaches every node of a cluster, so both work on a Redis Cluster too.
  const opened = await Promise.allSettled([
    openRedisConnection({ url, failFast: false }),
    openRedisConnection({ url, failFast: false }),
  ]);
  const [commands, subscriber] = opened.map((result) =>
    result.status === 'fulfilled' ? result.value : null,
  );
  if (!commands || !subscriber) {
    commands?.disconnect();
    subscriber?.disconnect();
    throw (opened.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason;
  }
  return {
    commands,
    subscriber,
    async close() {
      await Promise.allSettled([commands.quit(), subscriber.quit()]);
    },
  };
}
