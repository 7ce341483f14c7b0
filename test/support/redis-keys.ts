import type { Redis } from 'ioredis';

/**
 * Deletes every key under `prefix` on one Redis node (a cluster's callers pass each master in
 * turn): what a test wrote under its own prefix, never anything else. A short prefix is refused,
 * so a bug cannot wipe the shared Redis. One UNLINK per key, pipelined: keys of different slots
 * never share a command, so this works on cluster nodes too.
 */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  if (prefix.length < 8)
    throw new Error(`refusing to delete keys under a short prefix "${prefix}"`);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.unlink(key);
      await pipeline.exec();
    }
  } while (cursor !== '0');
}
