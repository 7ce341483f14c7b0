import type { Redis } from 'ioredis';

/**
 * The service's own Redis connections, when REDIS_URL is set, for what several instances share:
 * the rate limit counters (commands) and the revocation channel (a subscriber, which can run
 * nothing else). Separate from the hybrid store's cache connection so that a blocked subscriber
 * or a counter never waits behind the store's scripts.
 */
export interface InstanceRedis {
  commands: Redis;
  subscriber: Redis;
  close(): Promise<void>;
}

/** Connects both (ioredis is imported only when a Redis is configured) and waits until ready. */
export async function openInstanceRedis(url: string): Promise<InstanceRedis> {
  const { Redis } = await import('ioredis');
  // One retry, then fail: a rate limit check must not hang a request while Redis is away (the
  // limiter then lets the request through, see build-app).
  const commands = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  const subscriber = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await Promise.all([commands.connect(), subscriber.connect()]);
  } catch (error) {
    commands.disconnect();
    subscriber.disconnect();
    throw error;
  }
  return {
    commands,
    subscriber,
    async close() {
      await Promise.allSettled([commands.quit(), subscriber.quit()]);
    },
  };
}
