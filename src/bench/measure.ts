import { performance } from 'node:perf_hooks';
import type { Operation } from './subjects/subject.js';

/** How long one (store, operation, concurrency) runs. */
export interface MeasurePlan {
  /** Ops run first and thrown away: connections opened, statements prepared, caches warm. */
  warmupOps: number;
  /** The measurement stops at this many ops... */
  maxOps: number;
  /** ...or after this long, whichever comes first. */
  maxSeconds: number;
}

export interface Measurement {
  ops: number;
  seconds: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  ops_per_s: number;
}

/**
 * A closed loop: `concurrency` callers, each starting its next op as soon as its previous one
 * returns, as the users of a chat service do. Latency is each op's own time; throughput is ops
 * over wall time. Op indexes continue after the warm-up so targets are never reused.
 */
export async function measure(
  operation: Operation,
  concurrency: number,
  plan: MeasurePlan,
): Promise<Measurement> {
  await loop(operation, concurrency, 0, plan.warmupOps, Number.POSITIVE_INFINITY);
  const latencies = new Float64Array(plan.maxOps);
  const started = performance.now();
  const done = await loop(
    operation,
    concurrency,
    plan.warmupOps,
    plan.maxOps,
    started + plan.maxSeconds * 1000,
    latencies,
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.subarray(0, done).sort();
  return {
    ops: done,
    seconds,
    p50_ms: percentile(sorted, 0.5),
    p95_ms: percentile(sorted, 0.95),
    p99_ms: percentile(sorted, 0.99),
    ops_per_s: done / seconds,
  };
}

/** Runs up to `count` ops (indexes first, first+1, ...) until the deadline; returns how many. */
async function loop(
  operation: Operation,
  concurrency: number,
  first: number,
  count: number,
  deadline: number,
  latencies?: Float64Array,
): Promise<number> {
  let next = 0;
  let done = 0;
  const caller = async () => {
    while (next < count && performance.now() < deadline) {
      const slot = next++;
      const start = performance.now();
      await operation(first + slot);
      if (latencies) latencies[done] = performance.now() - start;
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return done;
}

/** Nearest-rank percentile of sorted values (0 when there are none). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Milliseconds to the microsecond: finer is noise. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
