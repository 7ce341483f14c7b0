import { GROWTH_SIZES, type GrowthSize } from '../bench-options.js';
import { schemaFor, type BenchContext } from '../bench-context.js';
import { measureInterleaved, type Job } from '../interleave.js';
import { roundMs, summarize, type MeasurePlan } from '../measure.js';
import { FloorPostgresSubject } from '../subjects/floor-postgres-subject.js';
import type { OperationName } from '../names.js';
import type { BenchResult } from '../bench-result.js';
import { convstoreSubject } from '../subjects/store-subjects.js';
import type { Workload } from '../workload.js';
import { fillMessages } from './fill-messages.js';

export interface GrowthOptions {
  concurrency: number[];
  plan: (c: number) => MeasurePlan;
  rounds: number;
  result: BenchResult;
  /** Throws when the run was interrupted (checked between load chunks and steps). */
  stopIfInterrupted: () => void;
}

/**
 * Growth: the postgres store's add and read with the messages table at each size, in one schema
 * grown step by step (bench sessions loaded through the store, filler bulk-loaded around them).
 * The durable-write and read floors are measured again at each step, interleaved with the store,
 * so a change of the machine's pace between steps (minutes apart) shows in the floors too. Rows
 * are stores `postgres@<size>` and `floor-postgres@<size>`.
 */
export async function runGrowth(
  context: BenchContext,
  workload: Workload,
  sizes: GrowthSize[],
  options: GrowthOptions,
): Promise<void> {
  const { log, admin } = context;
  const store = convstoreSubject(context, 'postgres');
  const floor = new FloorPostgresSubject(context);
  const schema = schemaFor(context, 'postgres');
  const nextFiller = { value: 0 };
  const ordered = [...sizes].sort((a, b) => GROWTH_SIZES[a] - GROWTH_SIZES[b]);
  try {
    await store.load(workload);
    await floor.load(workload);
    const storeOps = store.operations();
    const floorOps = floor.operations();
    for (const size of ordered) {
      const fill = await fillMessages(
        context,
        schema,
        GROWTH_SIZES[size],
        workload.historySize,
        nextFiller,
        options.stopIfInterrupted,
      );
      options.result.loads.push({
        table_rows: fill.tableRows,
        loaded: fill.loaded,
        seconds: Math.round(fill.seconds * 10) / 10,
        rows_per_s: Math.round(fill.loaded / Math.max(fill.seconds, 0.001)),
      });
      log(
        `growth: ${fill.tableRows.toLocaleString('en')} rows in the messages table ` +
          `(loaded ${fill.loaded.toLocaleString('en')} in ${fill.seconds.toFixed(1)} s)`,
      );
      await admin.unsafe('CHECKPOINT').catch(() => {});
      const jobs: Job[] = [
        { store: `floor-postgres@${size}`, operation: 'insert1', run: floorOps.insert1! },
        { store: `postgres@${size}`, operation: 'add', run: storeOps.add! },
        { store: `floor-postgres@${size}`, operation: 'read50', run: floorOps.read50! },
        { store: `postgres@${size}`, operation: 'read_last_50', run: storeOps.read_last_50! },
      ].map((job) => ({ ...job, operation: job.operation as OperationName, plan: options.plan }));
      for (const c of options.concurrency) {
        options.stopIfInterrupted();
        for (const { job, slices, error } of await measureInterleaved(
          jobs,
          c,
          options.rounds,
          () => {},
        )) {
          if (error !== undefined) throw error;
          const m = summarize(slices);
          const row = {
            store: job.store,
            operation: job.operation,
            concurrency: c,
            p50_ms: roundMs(m.p50_ms),
            p95_ms: roundMs(m.p95_ms),
            p99_ms: roundMs(m.p99_ms),
            ops_per_s: Math.round(m.ops_per_s),
            table_rows: fill.tableRows,
          };
          options.result.rows.push(row);
          log(`  ${row.store} ${row.operation} c=${c}: p50 ${row.p50_ms} ms, ${row.ops_per_s}/s`);
        }
      }
    }
  } finally {
    await store.close();
    await floor.close();
  }
}
