import type { BenchRow, OperationName } from '../names.js';

/**
 * The performance targets (issue 15), each read off the rows of one run: a figure, how it is
 * computed, and whether it is met. One list, so the terminal table, the Markdown written into
 * docs/BENCHMARKS.md and `--quick` all show the same figures the same way.
 */
export interface Target {
  figure: string;
  /** 'at most' targets are costs (lower is better); 'at least' are shares and speed-ups. */
  kind: 'at most' | 'at least';
  goal: number;
  /** undefined when a row it needs was not measured. */
  measure(rows: readonly BenchRow[]): number | undefined;
}

type Pick = (store: string, operation: OperationName, concurrency: number) => BenchRow | undefined;

function picker(rows: readonly BenchRow[]): Pick {
  return (store, operation, concurrency) =>
    rows.find(
      (r) => r.store === store && r.operation === operation && r.concurrency === concurrency,
    );
}

/** a's p50 over b's p50 at concurrency 1. */
function p50Ratio(a: [string, OperationName], b: [string, OperationName]) {
  return (rows: readonly BenchRow[]) => {
    const pick = picker(rows);
    const x = pick(a[0], a[1], 1);
    const y = pick(b[0], b[1], 1);
    return x && y ? x.p50_ms / y.p50_ms : undefined;
  };
}

/** a's throughput over b's at the highest concurrency measured. */
function rateRatio(a: [string, OperationName], b: [string, OperationName]) {
  return (rows: readonly BenchRow[]) => {
    const top = Math.max(...rows.map((r) => r.concurrency));
    if (top <= 1) return undefined;
    const pick = picker(rows);
    const x = pick(a[0], a[1], top);
    const y = pick(b[0], b[1], top);
    return x && y ? x.ops_per_s / y.ops_per_s : undefined;
  };
}

/** The slower of the two readings (p50 at 1, throughput above): a speed-up must hold at both. */
function both(...measures: Array<(rows: readonly BenchRow[]) => number | undefined>) {
  return (rows: readonly BenchRow[]) => {
    const values = measures.map((m) => m(rows)).filter((v): v is number => v !== undefined);
    return values.length === measures.length ? Math.min(...values) : undefined;
  };
}

export const TARGETS: readonly Target[] = [
  {
    figure: 'postgres add p50 (c=1), x floor-postgres insert1',
    kind: 'at most',
    goal: 1.6,
    measure: p50Ratio(['postgres', 'add'], ['floor-postgres', 'insert1']),
  },
  {
    figure: 'postgres add throughput (c=32), share of floor-postgres insert1',
    kind: 'at least',
    goal: 0.7,
    measure: rateRatio(['postgres', 'add'], ['floor-postgres', 'insert1']),
  },
  {
    figure: 'postgres read_last_50, x faster than the sketch (p50 c=1 and throughput c=32)',
    kind: 'at least',
    goal: 1.0,
    measure: both(
      p50Ratio(['sketch-postgres', 'read_last_50'], ['postgres', 'read_last_50']),
      rateRatio(['postgres', 'read_last_50'], ['sketch-postgres', 'read_last_50']),
    ),
  },
  {
    figure: 'postgres list_sessions, x faster than the sketch (p50 c=1 and throughput c=32)',
    kind: 'at least',
    goal: 1.0,
    measure: both(
      p50Ratio(['sketch-postgres', 'list_sessions'], ['postgres', 'list_sessions']),
      rateRatio(['postgres', 'list_sessions'], ['sketch-postgres', 'list_sessions']),
    ),
  },
  {
    figure: 'hybrid-write-through read_last_50 p50, x floor-redis lrange50',
    kind: 'at most',
    goal: 1.5,
    measure: p50Ratio(['hybrid-write-through', 'read_last_50'], ['floor-redis', 'lrange50']),
  },
  {
    figure: 'pglite add p50, x floor-pglite insert1',
    kind: 'at most',
    goal: 5,
    measure: p50Ratio(['pglite', 'add'], ['floor-pglite', 'insert1']),
  },
  {
    figure: 'pglite read_last_50 p50, x floor-pglite read50',
    kind: 'at most',
    goal: 1.1,
    measure: p50Ratio(['pglite', 'read_last_50'], ['floor-pglite', 'read50']),
  },
];

export interface TargetReading {
  target: Target;
  value: number | undefined;
  met: boolean | undefined;
}

export function readTargets(rows: readonly BenchRow[]): TargetReading[] {
  return TARGETS.map((target) => {
    const value = target.measure(rows);
    const met =
      value === undefined
        ? undefined
        : target.kind === 'at most'
          ? value <= target.goal
          : value >= target.goal;
    return { target, value, met };
  });
}

/** One line per target: figure, measured value, goal, met or missed. */
export function targetLines(rows: readonly BenchRow[]): string[][] {
  return readTargets(rows).map(({ target, value, met }) => [
    target.figure,
    value === undefined ? 'not measured' : value.toFixed(2),
    `${target.kind === 'at most' ? '<=' : '>='} ${target.goal}`,
    met === undefined ? '' : met ? 'met' : 'missed',
  ]);
}

/**
 * Each (store, operation, concurrency) of this run beside the same row of a baseline run (an
 * earlier `--json` file), as the ratio of costs relative to each run's own floors, so that two
 * runs on a machine in different moods compare fairly: > 1 means slower than the baseline.
 */
export function baselineLines(
  rows: readonly BenchRow[],
  baseline: readonly BenchRow[],
  vsFloor: (row: BenchRow, all: readonly BenchRow[]) => number | undefined,
): string[][] {
  const lines: string[][] = [];
  for (const row of rows) {
    if (row.store.startsWith('floor-')) continue;
    const before = baseline.find(
      (r) =>
        r.store === row.store && r.operation === row.operation && r.concurrency === row.concurrency,
    );
    if (!before) continue;
    const now = vsFloor(row, rows);
    const then = vsFloor(before, baseline);
    if (now === undefined || then === undefined) continue;
    lines.push([
      row.store,
      row.operation,
      String(row.concurrency),
      then.toFixed(2),
      now.toFixed(2),
      (now / then).toFixed(2),
    ]);
  }
  return lines;
}
