import type { BenchRow, OperationName } from '../names.js';

/**
 * Which floor each (store, operation) is read against: the physical minimum of the round trips
 * it must make, on the engine it runs on. A durable write cannot beat a one-row committed INSERT;
 * a PostgreSQL read of 50 messages cannot beat a 50-row key-range read; a Redis read cannot beat
 * an LRANGE of 50; any Redis round trip cannot beat PING. PGlite's floors are measured on a PGlite
 * of their own (its engine runs in this process: the server's floors say nothing about it). A
 * chat turn is a read and two writes.
 */
type FloorOp = 'select1' | 'insert1' | 'read50' | 'ping' | 'lrange50';

/** A floor: the floor subject's store name and its operation. */
export interface Floor {
  store: 'floor-postgres' | 'floor-pglite' | 'floor-redis';
  operation: FloorOp;
}

interface Backing {
  write: Floor;
  read: Floor;
  other: Floor;
}

const PG = (operation: FloorOp): Floor => ({ store: 'floor-postgres', operation });
const PGLITE = (operation: FloorOp): Floor => ({ store: 'floor-pglite', operation });
const REDIS_FLOOR = (operation: FloorOp): Floor => ({ store: 'floor-redis', operation });

const POSTGRES: Backing = { write: PG('insert1'), read: PG('read50'), other: PG('select1') };
const REDIS: Backing = {
  write: REDIS_FLOOR('ping'),
  read: REDIS_FLOOR('lrange50'),
  other: REDIS_FLOOR('ping'),
};

const BACKING: Record<string, Backing> = {
  postgres: POSTGRES,
  pglite: { write: PGLITE('insert1'), read: PGLITE('read50'), other: PGLITE('select1') },
  'sketch-postgres': POSTGRES,
  'langchain-postgres': POSTGRES,
  'http-postgres': POSTGRES,
  redis: REDIS,
  'langchain-redis': REDIS,
  // Write-through acknowledges after the PostgreSQL commit; reads come from Redis.
  'hybrid-write-through': {
    write: PG('insert1'),
    read: REDIS_FLOOR('lrange50'),
    other: PG('select1'),
  },
  // Write-behind acknowledges after the Redis append.
  'hybrid-write-behind': {
    write: REDIS_FLOOR('ping'),
    read: REDIS_FLOOR('lrange50'),
    other: PG('select1'),
  },
  // On a cluster, against the same floors (a single Redis on the same loopback): the ratio is
  // what the cluster client and, with -wait1, waiting for a replica add.
  'hybrid-cluster-write-through': {
    write: PG('insert1'),
    read: REDIS_FLOOR('lrange50'),
    other: PG('select1'),
  },
  'hybrid-cluster-write-through-wait1': {
    write: PG('insert1'),
    read: REDIS_FLOOR('lrange50'),
    other: PG('select1'),
  },
  'hybrid-cluster-write-behind': {
    write: REDIS_FLOOR('ping'),
    read: REDIS_FLOOR('lrange50'),
    other: PG('select1'),
  },
  'hybrid-cluster-write-behind-wait1': {
    write: REDIS_FLOOR('ping'),
    read: REDIS_FLOOR('lrange50'),
    other: PG('select1'),
  },
};

/** The floor operations (each may repeat) that one op of `operation` on `store` must pay. */
export function floorOps(store: string, operation: OperationName): Floor[] {
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
        r.store === `${op.store}${at}` &&
        r.operation === op.operation &&
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
