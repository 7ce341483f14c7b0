import { runSlice, type MeasurePlan, type Slice } from './measure.js';
import type { OperationName } from './names.js';
import type { Operation } from './subjects/subject.js';

/** One (store, operation) to measure, with the op indexes it has used so far. */
export interface Job {
  store: string;
  operation: OperationName;
  run: Operation;
  plan: (concurrency: number) => MeasurePlan;
  /** Run (untimed) after each of this job's slices: see Subject.settle. */
  settle?: () => Promise<void>;
}

export interface JobResult {
  job: Job;
  concurrency: number;
  slices: Slice[];
  error?: unknown;
}

/**
 * Measures every job at one concurrency in `rounds` rounds: each round gives each job a slice of
 * its time budget, in turn. A shared machine drifts (another process's fsyncs, a checkpoint, a
 * noisy neighbour); interleaving spreads the drift over every store and floor alike, so their
 * ratios hold even when the absolute figures move. Warm-up runs once, before the first round.
 */
export async function measureInterleaved(
  jobs: readonly Job[],
  concurrency: number,
  rounds: number,
  onRound: (round: number) => void,
): Promise<JobResult[]> {
  const results = jobs.map((job): JobResult & { next: number } => ({
    job,
    concurrency,
    slices: [],
    next: 0,
  }));
  for (const state of results) {
    const plan = state.job.plan(concurrency);
    try {
      const warm = await runSlice(
        state.job.run,
        concurrency,
        0,
        plan.warmupOps,
        plan.warmupSeconds,
      );
      state.next = warm.latencies.length;
      await state.job.settle?.();
    } catch (error) {
      state.error = error;
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const state of results) {
      if (state.error !== undefined) continue;
      const plan = state.job.plan(concurrency);
      const count = Math.ceil(plan.maxOps / rounds);
      try {
        const slice = await runSlice(
          state.job.run,
          concurrency,
          state.next,
          count,
          plan.maxSeconds / rounds,
        );
        state.next += slice.latencies.length;
        state.slices.push(slice);
        await state.job.settle?.();
      } catch (error) {
        state.error = error;
      }
    }
    onRound(round + 1);
  }
  return results;
}
