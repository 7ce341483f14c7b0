import { performance } from 'node:perf_hooks';
import type { Operation } from './subjects/subject.js';

/** How long one (store, operation, concurrency) runs. */
export interface MeasurePlan {
  /** Ops run first and thrown away: connections opened, statements prepared, caches warm... */
  warmupOps: number;
  /** ...for at most this long (slow references would otherwise warm up for a minute). */
  warmupSeconds: number;
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

/** What one slice of a measurement recorded. */
export interface Slice {
  latencies: Float64Array;
  seconds: number;
}

/** A measurement in one go: warm-up, then one slice (the growth run uses it). */
export async function measure(
  operation: Operation,
  concurrency: number,
  plan: MeasurePlan,
): Promise<Measurement> {
  const warm = await runSlice(operation, concurrency, 0, plan.warmupOps, plan.warmupSeconds);
  return summarize([
    await runSlice(operation, concurrency, warm.latencies.length, plan.maxOps, plan.maxSeconds),
  ]);
}

/**
 * A closed loop: `concurrency` callers, each starting its next op as soon as its previous one
 * returns, as the users of a chat service do, for up to `count` ops (indexes first, first+1, ...)
 * or `seconds`. Latency is each op's own time; the slice's time is its wall time.
 */
export async function runSlice(
  operation: Operation,
  concurrency: number,
  first: number,
  count: number,
  seconds: number,
): Promise<Slice> {
  const latencies = new Float64Array(Number.isFinite(count) ? count : 0);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let next = 0;
  let done = 0;
  const caller = async () => {
    while (next < count && performance.now() < deadline) {
      const slot = next++;
      const start = performance.now();
      await operation(first + slot);
      latencies[done++] = performance.now() - start;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { latencies: latencies.subarray(0, done), seconds: (performance.now() - started) / 1000 };
}

/** Percentiles over every slice's latencies; throughput over the slices' summed wall time. */
export function summarize(slices: readonly Slice[]): Measurement {
  const ops = slices.reduce((sum, s) => sum + s.latencies.length, 0);
  const seconds = slices.reduce((sum, s) => sum + s.seconds, 0);
  const all = new Float64Array(ops);
  let at = 0;
  for (const s of slices) {
    all.set(s.latencies, at);
    at += s.latencies.length;
  }
  all.sort();
  return {
    ops,
    seconds,
    p50_ms: percentile(all, 0.5),
    p95_ms: percentile(all, 0.95),
    p99_ms: percentile(all, 0.99),
    ops_per_s: seconds > 0 ? ops / seconds : 0,
  };
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
