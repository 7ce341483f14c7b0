import { masters, type RedisConnection } from './redis-connection.js';

/**
 * Visits every key matching `pattern` with SCAN (never KEYS, which blocks the server), on each
 * master of a cluster or on the one server. A key may be visited twice (SCAN's guarantee is
 * "at least once" for keys present throughout), so `visit` must be idempotent.
 */
export async function scanEveryNode(
  connection: RedisConnection,
  pattern: string,
  count: number,
  visit: (key: string) => Promise<void>,
): Promise<void> {
  for (const node of masters(connection)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      for (const key of keys) await visit(key);
    } while (cursor !== '0');
  }
}
