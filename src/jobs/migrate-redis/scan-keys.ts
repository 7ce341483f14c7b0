import { scanNodes, type SourceConnection } from './source-connection.js';

/**
 * Every key matching `match`, a page at a time, with SCAN (never KEYS, which blocks the server
 * for as long as it takes to walk the whole keyspace), on each master of a cluster in turn. SCAN
 * may return a key twice when the server rehashes during the walk; the writes are idempotent,
 * so that costs only a repeat read.
 */
export async function* scanKeys(
  connection: SourceConnection,
  match: string,
  count: number,
): AsyncGenerator<string[]> {
  for (const node of scanNodes(connection)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', count);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }
}
