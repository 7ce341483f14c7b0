import { openRedisConnection, type RedisConnection } from '../redis/redis-connection.js';
import { defineHybridScripts } from './scripts/script-call.js';

/**
 * Opens a Redis connection for the hybrid, fail-fast (a cache call fails at once instead of
 * queueing while Redis is away), with the hybrid's scripts registered. With `tolerateDown`, a
 * Redis that does not answer yet still gives a connection (it keeps reconnecting).
 */
export async function openHybridConnection(
  url: string,
  tolerateDown: boolean,
): Promise<RedisConnection> {
  return defineHybridScripts(await openRedisConnection({ url, failFast: true, tolerateDown }));
}

/** Closes connections politely, or at once if Redis does not answer. */
export async function closeConnections(connections: readonly RedisConnection[]): Promise<void> {
  await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
}
