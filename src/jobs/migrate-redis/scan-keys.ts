import type { Redis } from 'ioredis';

/**
 * Every key matching `match`, a page at a time, with SCAN (never KEYS, which blocks the server
 * for as long as it takes to walk the whole keyspace). SCAN may return a key twice when the
 * server rehashes during the walk; the writes are idempotent, so that costs only a repeat read.
 */
export async function* scanKeys(
  redis: Redis,
  match: string,
  count: number,
): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', count);
    cursor = next;
    if (keys.length > 0) yield keys;
  } while (cursor !== '0');
}
