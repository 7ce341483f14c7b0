import type { BenchRow, OperationName } from '../names.js';

/**
 * Which floor each (store, operation) is read against: the physical minimum of the round trips
 * it must make. A durable write cannot beat a one-row committed INSERT; a PostgreSQL read of 50
 * messages cannot beat a 50-row key-range read; a Redis read cannot beat an LRANGE of 50; any
 * Redis round trip cannot beat PING. A chat turn is a read and two writes.
 */
type FloorOp = 'select1' | 'insert1' | 'read50' | 'ping' | 'lrange50';

interface Backing {
  write: FloorOp;
  read: FloorOp;
  other: FloorOp;
}

const POSTGRES: Backing = { write: 'insert1', read: 'read50', other: 'select1' };
const REDIS: Backing = { write: 'ping', read: 'lrange50', other: 'ping' };

const BACKING: Record<string, Backing> = {
  postgres: POSTGRES,
  pglite: POSTGRES,
  'sketch-postgres': POSTGRES,
  'langchain-postgres': POSTGRES,
  'http-postgres': POSTGRES,
  redis: REDIS,
  'langchain-redis': REDIS,
  // Write-through acknowledges after the PostgreSQL commit; reads come from Redis.
  'hybrid-write-through': { write: 'insert1', read: 'lrange50', other: 'select1' },
  // Write-behind acknowledges after the Redis append.
  'hybrid-write-behind': { write: 'ping', read: 'lrange50', other: 'select1' },
  // On a cluster, against the same floors (a single Redis on the same loopback): the ratio is
  // what the cluster client and, with -wait1, waiting for a replica add.
  'hybrid-cluster-write-through': { write: 'insert1', read: 'lrange50', other: 'select1' },
  'hybrid-cluster-write-through-wait1': { write: 'insert1', read: 'lrange50', other: 'select1' },
  'hybrid-cluster-write-behind': { write: 'ping', read: 'lrange50', other: 'select1' },
  'hybrid-cluster-write-behind-wait1': { write: 'ping', read: 'lrange50', other: 'select1' },
};

/** The floor operations (each may repeat) that one op of `operation` on `store` must pay. */
export function floorOps(store: string, operation: OperationName): FloorOp[] {
  const backing = BACKING[store.replace(/@.*$/, '')];
  if (!backing) return [];
  switch (operation) {
    case 'add':
    case 'clear_session':
      return [backing.write];
    case 'read_last_50':
      return [backing.read];
    case 'list_sessions':
      return [backing.other];
    case 'chat_turn':
      return [backing.read, backing.write, backing.write];
    default:
      return [];
  }
}

/**
 * The floor of a row: latency = the sum of its floors' p50s; throughput = the rate at which the
 * floors' ops could be chained at the same concurrency. Undefined when a floor was not measured.
 */
export function floorOf(
  row: BenchRow,
  rows: readonly BenchRow[],
): { p50_ms: number; ops_per_s: number } | undefined {
  const ops = floorOps(row.store, row.operation);
  if (ops.length === 0) return undefined;
  let p50 = 0;
  let inverseRate = 0;
  // A growth row (postgres@10m) is read against the floors measured beside it (floor-...@10m).
  const at = /@.*$/.exec(row.store)?.[0] ?? '';
  for (const op of ops) {
    const floor = rows.find(
      (r) =>
        r.store.startsWith('floor-') &&
        (/@.*$/.exec(r.store)?.[0] ?? '') === at &&
        r.operation === op &&
        r.concurrency === row.concurrency,
    );
    if (!floor) return undefined;
    p50 += floor.p50_ms;
    inverseRate += 1 / floor.ops_per_s;
  }
  return { p50_ms: p50, ops_per_s: 1 / inverseRate };
}

/** The sketch's row for the same operation and concurrency. */
export function sketchOf(row: BenchRow, rows: readonly BenchRow[]): BenchRow | undefined {
  return rows.find(
    (r) =>
      r.store === 'sketch-postgres' &&
      r.operation === row.operation &&
      r.concurrency === row.concurrency,
  );
}

/**
 * Ratios that read the same way at any concurrency: `vsFloor` is how many times the floor's cost
 * this costs (p50 at concurrency 1, throughput above: floor ops/s over ours), 1.0 being the
 * physical best; `vsSketch` is how many times faster than the sketch's algorithm (p50 at
 * concurrency 1, throughput above).
 */
export function ratios(row: BenchRow, rows: readonly BenchRow[]) {
  const floor = floorOf(row, rows);
  const sketch = sketchOf(row, rows);
  const single = row.concurrency === 1;
  return {
    vsFloor: floor
      ? single
        ? row.p50_ms / floor.p50_ms
        : floor.ops_per_s / row.ops_per_s
      : undefined,
    vsSketch: sketch
      ? single
        ? sketch.p50_ms / row.p50_ms
        : row.ops_per_s / sketch.ops_per_s
      : undefined,
  };
}
