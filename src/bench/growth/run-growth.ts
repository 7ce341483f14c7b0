import { GROWTH_SIZES, type GrowthSize } from '../bench-options.js';
import { schemaFor, type BenchContext } from '../bench-context.js';
import { measure, roundMs, type MeasurePlan } from '../measure.js';
import type { OperationName } from '../names.js';
import type { BenchResult } from '../bench-result.js';
import { convstoreSubject } from '../subjects/store-subjects.js';
import type { Workload } from '../workload.js';
import { fillMessages } from './fill-messages.js';

export interface GrowthOptions {
  concurrency: number[];
  plan: (c: number) => MeasurePlan;
  result: BenchResult;
}

const MEASURED: OperationName[] = ['add', 'read_last_50'];

/**
 * Growth: the postgres store's add and read with the messages table at each size, in one schema
 * grown step by step (bench sessions loaded through the store, filler bulk-loaded around them).
 * Rows are reported as store `postgres@<size>` so they sit beside the main rows.
 */
export async function runGrowth(
  context: BenchContext,
  workload: Workload,
  sizes: GrowthSize[],
  options: GrowthOptions,
): Promise<void> {
  const { log, admin } = context;
  const subject = convstoreSubject(context, 'postgres');
  const schema = schemaFor(context, 'postgres');
  const nextFiller = { value: 0 };
  const ordered = [...sizes].sort((a, b) => GROWTH_SIZES[a] - GROWTH_SIZES[b]);
  try {
    await subject.load(workload);
    const operations = subject.operations();
    for (const size of ordered) {
      const fill = await fillMessages(
        context,
        schema,
        GROWTH_SIZES[size],
        workload.historySize,
        nextFiller,
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
      for (const name of MEASURED) {
        for (const c of options.concurrency) {
          const m = await measure(operations[name]!, c, options.plan(c));
          const row = {
            store: `postgres@${size}`,
            operation: name,
            concurrency: c,
            p50_ms: roundMs(m.p50_ms),
            p95_ms: roundMs(m.p95_ms),
            p99_ms: roundMs(m.p99_ms),
            ops_per_s: Math.round(m.ops_per_s),
            table_rows: fill.tableRows,
          };
          options.result.rows.push(row);
          log(`  ${row.store} ${name} c=${c}: p50 ${row.p50_ms} ms, ${row.ops_per_s}/s`);
        }
      }
    }
  } finally {
    await subject.close();
  }
}
