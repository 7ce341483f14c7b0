import { Cluster } from 'ioredis';
import type { RedisConnection } from './redis-connection.js';

/**
 * Subscribes to the draft-changes channel on a connection of its own (a subscribed connection
 * can run nothing else). ioredis re-subscribes after a reconnect; on a Cluster it subscribes on
 * one node, and PUBLISH reaches every node's subscribers.
 */
export async function subscribeChanges(
  redis: RedisConnection,
  channel: string,
  onKey: (key: string) => void,
): Promise<() => Promise<void>> {
  // (The two classes' duplicate() take different arguments: called without, on each.)
  const subscriber: RedisConnection =
    redis instanceof Cluster ? redis.duplicate() : redis.duplicate();
  subscriber.on('error', () => {
    // Reconnection is ioredis's; a follower re-reads meanwhile.
  });
  subscriber.on('message', (from: string, key: string) => {
    if (from === channel) onKey(key);
  });
  try {
    await subscriber.subscribe(channel);
  } catch (error) {
    subscriber.disconnect();
    throw error;
  }
  return async () => {
    await subscriber.quit().catch(() => subscriber.disconnect());
  };
}
