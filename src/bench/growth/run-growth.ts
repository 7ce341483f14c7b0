import { GROWTH_SIZES, type GrowthSize } from '../bench-options.js';
import { schemaFor, type BenchContext } from '../bench-context.js';
import { measureInterleaved, type Job } from '../interleave.js';
import { roundMs, summarize, type MeasurePlan } from '../measure.js';
import { FloorPostgresSubject } from '../subjects/floor-postgres-subject.js';
import type { OperationName } from '../names.js';
import type { BenchResult } from '../bench-result.js';
import type { ConvstoreSubject } from '../subjects/convstore-subject.js';
import { convstoreSubject, partitionedPostgresSubject } from '../subjects/store-subjects.js';
import { BENCH_SQL } from '../sql.generated.js';
import { renderFor } from '../subjects/render-sql.js';
import type { Workload } from '../workload.js';
import { fillMessages } from './fill-messages.js';

export interface GrowthOptions {
  concurrency: number[];
  plan: (c: number) => MeasurePlan;
  rounds: number;
  result: BenchResult;
  /** Throws when the run was interrupted (checked between load chunks and steps). */
  stopIfInterrupted: () => void;
  /**
   * Also a schema created with this many partitions (`postgres-partitioned@<size>`), grown the
   * same way and measured beside the plain one; 0: the plain schema only.
   */
  partitions: number;
}

/** One schema the growth run grows: its store and where its filler has got to. */
interface GrowthSide {
  name: string;
  subject: ConvstoreSubject;
  schema: string;
  nextFiller: { value: number };
}

/** Sessions expired and reclaimed at each step: 1 % of the table. */
const CLEANUP_SHARE = 0.01;

/**
 * Growth: the postgres store's add, read and list with the messages table at each size, in one
 * schema grown step by step (bench sessions loaded through the store, filler bulk-loaded around
 * them), and the same in a schema created with `partitions` beside it. The durable-write and read
 * floors are measured again at each step, interleaved with the stores, so a change of the
 * machine's pace between steps (minutes apart) shows in the floors too. Each step ends with a
 * cleanup: 1 % of the table's sessions expire and cleanupExpired is timed reclaiming them. Rows
 * are stores `postgres@<size>`, `postgres-partitioned@<size>` and `floor-postgres@<size>`.
 */
export async function runGrowth(
  context: BenchContext,
  workload: Workload,
  sizes: GrowthSize[],
  options: GrowthOptions,
): Promise<void> {
  const { log, admin } = context;
  const sides: GrowthSide[] = [
    side('postgres', convstoreSubject(context, 'postgres')),
    ...(options.partitions > 0
      ? [side('postgres-partitioned', partitionedPostgresSubject(context, options.partitions))]
      : []),
  ];
  function side(name: string, subject: ConvstoreSubject): GrowthSide {
    return { name, subject, schema: schemaFor(context, name), nextFiller: { value: 0 } };
  }
  const floor = new FloorPostgresSubject(context);
  const ordered = [...sizes].sort((a, b) => GROWTH_SIZES[a] - GROWTH_SIZES[b]);
  try {
    for (const { subject } of sides) await subject.load(workload);
    await floor.load(workload);
    const floorOps = floor.operations();
    for (const size of ordered) {
      const tableRows = new Map<string, number>();
      for (const { name, schema, nextFiller } of sides) {
        const fill = await fillMessages(
          context,
          schema,
          GROWTH_SIZES[size],
          workload.historySize,
          nextFiller,
          options.stopIfInterrupted,
        );
        tableRows.set(`${name}@${size}`, fill.tableRows);
        options.result.loads.push({
          store: name,
          table_rows: fill.tableRows,
          loaded: fill.loaded,
          seconds: Math.round(fill.seconds * 10) / 10,
          rows_per_s: Math.round(fill.loaded / Math.max(fill.seconds, 0.001)),
        });
        log(
          `growth: ${name}: ${fill.tableRows.toLocaleString('en')} rows in the messages table ` +
            `(loaded ${fill.loaded.toLocaleString('en')} in ${fill.seconds.toFixed(1)} s)`,
        );
      }
      await admin.unsafe('CHECKPOINT').catch(() => {});
      const storeJobs = (operation: OperationName) =>
        sides.map(({ name, subject }) => ({
          store: `${name}@${size}`,
          operation,
          run: subject.operations()[operation]!,
        }));
      const jobs: Job[] = [
        { store: `floor-postgres@${size}`, operation: 'insert1' as const, run: floorOps.insert1! },
        ...storeJobs('add'),
        { store: `floor-postgres@${size}`, operation: 'read50' as const, run: floorOps.read50! },
        ...storeJobs('read_last_50'),
        ...storeJobs('list_sessions'),
      ].map((job) => ({ ...job, plan: options.plan }));
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
            // A floor's own table is small: the row names the size of the step it ran beside.
            table_rows: tableRows.get(job.store) ?? GROWTH_SIZES[size],
          };
          options.result.rows.push(row);
          log(`  ${row.store} ${row.operation} c=${c}: p50 ${row.p50_ms} ms, ${row.ops_per_s}/s`);
        }
      }
      for (const growthSide of sides) {
        options.stopIfInterrupted();
        await timeCleanup(context, growthSide, GROWTH_SIZES[size], workload, options.result);
      }
    }
  } finally {
    for (const { subject } of sides) await subject.close();
    await floor.close();
  }
}

/**
 * Expires the newest 1 % of the side's filler sessions (untimed), then times cleanupExpired
 * reclaiming them and their messages: what a scheduled cleanup costs at this table size.
 */
async function timeCleanup(
  context: BenchContext,
  { name, subject, schema, nextFiller }: GrowthSide,
  size: number,
  workload: Workload,
  result: BenchResult,
): Promise<void> {
  const sessions = Math.max(1, Math.round((size / workload.historySize) * CLEANUP_SHARE));
  const last = nextFiller.value - 1;
  const first = Math.max(0, last - sessions + 1);
  await context.admin.unsafe(renderFor(BENCH_SQL, schema).growthExpireSessions, [first, last]);
  const started = performance.now();
  const deleted = await subject.cleanupExpired();
  const seconds = (performance.now() - started) / 1000;
  const tableRows = Number(
    (await context.admin.unsafe(renderFor(BENCH_SQL, schema).growthCount))[0]!.n,
  );
  const cleanup = {
    store: name,
    table_rows: tableRows + deleted.messages,
    sessions: deleted.sessions,
    messages: deleted.messages,
    seconds: Math.round(seconds * 1000) / 1000,
    messages_per_s: Math.round(deleted.messages / Math.max(seconds, 0.001)),
  };
  (result.cleanups ??= []).push(cleanup);
  context.log(
    `  ${name}: cleanup of ${cleanup.sessions} expired sessions (${cleanup.messages} messages) ` +
      `in ${cleanup.seconds} s`,
  );
}
