import postgres from 'postgres';
import { readFile, writeFile } from 'node:fs/promises';
import {
  DEFAULT_DATABASE_URL,
  DEFAULT_REDIS_URL,
  PROFILES,
  type BenchOptions,
  type GrowthSize,
} from './bench-options.js';
import type { BenchContext } from './bench-context.js';
import type { BenchResult } from './bench-result.js';
import { runGrowth } from './growth/run-growth.js';
import { runHttp } from './http/run-http.js';
import { runSearchBench } from './search/run-search.js';
import { measureInterleaved, type Job } from './interleave.js';
import { roundMs, summarize, type MeasurePlan } from './measure.js';
import { STORE_NAMES, type BenchRow, type OperationName, type StoreName } from './names.js';
import { currentLoad, describeMachine } from './report/machine-info.js';
import { renderMarkdown } from './report/markdown-tables.js';
import { renderSvg } from './report/svg-chart.js';
import { FloorPgliteSubject } from './subjects/floor-pglite-subject.js';
import { FloorPostgresSubject } from './subjects/floor-postgres-subject.js';
import { FloorRedisSubject } from './subjects/floor-redis-subject.js';
import { LangchainPostgresSubject } from './subjects/langchain-postgres-subject.js';
import { LangchainRedisSubject } from './subjects/langchain-redis-subject.js';
import { SketchSubject } from './subjects/sketch-subject.js';
import { convstoreSubject } from './subjects/store-subjects.js';
import type { Subject } from './subjects/subject.js';
import type { Workload } from './workload.js';

export type { BenchResult } from './bench-result.js';

/** Operations measured, in this order (list first, while every session is as loaded). */
const ORDER: OperationName[] = [
  'select1',
  'insert1',
  'read50',
  'ping',
  'lrange50',
  'lrange50_decoded',
  'list_sessions',
  'read_last_50',
  'add',
  'chat_turn',
  'clear_session',
];

/**
 * Runs the whole benchmark: floors, stores and references on the same data and the same target
 * sequences, one subject at a time; then the growth run and the HTTP service. Writes --json and
 * --svg when asked; returns every row.
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchResult> {
  const started = Date.now();
  const quick = options.quick ?? false;
  const base = PROFILES[quick ? 'quick' : 'full'];
  const profile = {
    ...base,
    plan: (c: number): MeasurePlan => ({
      ...base.plan(c),
      ...(options.seconds !== undefined && { maxSeconds: options.seconds }),
    }),
  };
  const concurrency = options.concurrency ?? [1, 32];
  const seed = options.seed ?? 42;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clearPlan = (c: number): MeasurePlan => ({
    warmupOps: Math.min(profile.plan(c).warmupOps, 20 + c),
    warmupSeconds: profile.plan(c).warmupSeconds,
    maxOps: profile.clearOps,
    maxSeconds: profile.plan(c).maxSeconds,
  });
  const workload: Workload = {
    ...profile.workload,
    seed,
    // Each round runs ceil(maxOps / rounds) clears at most; each clear needs a session of its own.
    clearSessions: concurrency.reduce(
      (sum, c) =>
        sum + clearPlan(c).warmupOps + base.rounds * Math.ceil(clearPlan(c).maxOps / base.rounds),
      0,
    ),
  };
  const databaseUrl = options.databaseUrl ?? DEFAULT_DATABASE_URL;
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const context: BenchContext = {
    databaseUrl,
    redisUrl: options.redisUrl ?? DEFAULT_REDIS_URL,
    redisClusterUrl: options.redisClusterUrl ?? null,
    runPrefix: `cs_b${Date.now().toString(36)}${process.pid.toString(36)}`,
    admin,
    poolSize: options.poolSize ?? 4,
    log,
  };
  const result: BenchResult = {
    machine: await describeMachine(context),
    runPrefix: context.runPrefix,
    quick,
    seed,
    workload,
    rows: [],
    ...(options.baseline !== undefined && {
      baseline: JSON.parse(await readFile(options.baseline, 'utf8')) as BenchRow[],
    }),
    skipped: [],
    loads: [],
    seconds: 0,
  };
  log(`convstore bench (${quick ? 'quick' : 'full'}), run ${context.runPrefix}`);
  // Ctrl-C stops at the next round or subject and still drops everything the run created (a
  // second Ctrl-C kills at once).
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    log('interrupted: stopping and dropping what this run created (Ctrl-C again to kill)');
  };
  const stopIfInterrupted = () => {
    if (interrupted) throw new BenchInterrupted();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const wanted = new Set<StoreName>(options.stores ?? STORE_NAMES);
    const subjects = makeSubjects(context).filter(
      (s) => s.store.startsWith('floor-') || wanted.has(s.store as StoreName),
    );
    const loaded = await loadAll(subjects, workload, result, log, stopIfInterrupted);
    try {
      await settle(context);
      const jobs = loaded.flatMap((subject) => jobsOf(subject, profile.plan, clearPlan));
      jobs.sort((a, b) => ORDER.indexOf(a.operation) - ORDER.indexOf(b.operation));
      for (const c of concurrency) {
        log(`measuring ${jobs.length} operations at concurrency ${c}, ${base.rounds} rounds`);
        const measured = await measureInterleaved(jobs, c, base.rounds, (round) => {
          log(`  concurrency ${c}: round ${round} of ${base.rounds} done`);
          stopIfInterrupted();
        });
        for (const { job, slices, error } of measured) {
          if (error !== undefined) {
            const reason = `${job.operation} c=${c} failed: ${describeError(error)}`;
            result.skipped.push({ store: job.store, reason });
            log(`  ${job.store} ${reason}`);
            continue;
          }
          const m = summarize(slices);
          const row: BenchRow = {
            store: job.store,
            operation: job.operation,
            concurrency: c,
            p50_ms: roundMs(m.p50_ms),
            p95_ms: roundMs(m.p95_ms),
            p99_ms: roundMs(m.p99_ms),
            ops_per_s: Math.round(m.ops_per_s),
          };
          result.rows.push(row);
          log(
            `  ${row.store} ${row.operation} c=${c}: p50 ${row.p50_ms} ms, p95 ${row.p95_ms}, ` +
              `p99 ${row.p99_ms}, ${row.ops_per_s}/s (${m.ops} ops)`,
          );
        }
      }
    } finally {
      for (const subject of loaded) {
        await subject.close().catch((error: unknown) => {
          log(`${subject.store}: cleanup failed: ${describeError(error)}`);
        });
      }
    }
    const growth: GrowthSize[] = options.growth ?? (quick ? [] : ['100k', '10m']);
    stopIfInterrupted();
    if (growth.length > 0) {
      await runGrowth(context, { ...profile.growthWorkload, seed, clearSessions: 0 }, growth, {
        concurrency,
        plan: profile.plan,
        rounds: base.rounds,
        result,
        stopIfInterrupted,
      });
    }
    stopIfInterrupted();
    if (options.search) {
      result.search = [];
      await runSearchBench(context, {
        size: options.search,
        rows: result.search,
        stopIfInterrupted,
      });
    }
    stopIfInterrupted();
    if (options.http ?? !quick) await runHttp(context, { concurrency, quick, seed, result });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await admin.end({ timeout: 5 });
  }
  result.seconds = (Date.now() - started) / 1000;
  result.machine.loadAverage.end = currentLoad();
  if (options.json) await writeFile(options.json, `${JSON.stringify(result.rows, null, 2)}\n`);
  if (options.svg) await writeFile(options.svg, renderSvg(result));
  if (options.markdown) await writeFile(options.markdown, renderMarkdown(result));
  return result;
}

function makeSubjects(context: BenchContext): Subject[] {
  return [
    new FloorPostgresSubject(context),
    new FloorPgliteSubject(),
    new FloorRedisSubject(context),
    convstoreSubject(context, 'postgres'),
    convstoreSubject(context, 'pglite'),
    convstoreSubject(context, 'redis'),
    convstoreSubject(context, 'hybrid-write-through'),
    convstoreSubject(context, 'hybrid-write-behind'),
    convstoreSubject(context, 'hybrid-cluster-write-through'),
    convstoreSubject(context, 'hybrid-cluster-write-through-wait1'),
    convstoreSubject(context, 'hybrid-cluster-write-behind'),
    convstoreSubject(context, 'hybrid-cluster-write-behind-wait1'),
    new SketchSubject(context),
    new LangchainPostgresSubject(context),
    new LangchainRedisSubject(context),
  ];
}

/**
 * Loads every subject before any is measured, so that their measurements can be interleaved. A
 * subject that cannot load (a store this version lacks, a missing peer library) is reported and
 * left out.
 */
async function loadAll(
  subjects: Subject[],
  workload: Workload,
  result: BenchResult,
  log: (line: string) => void,
  stopIfInterrupted: () => void,
): Promise<Subject[]> {
  const loaded: Subject[] = [];
  for (const subject of subjects) {
    try {
      stopIfInterrupted();
    } catch (error) {
      for (const done of loaded) await done.close().catch(() => {});
      throw error;
    }
    const started = Date.now();
    try {
      await subject.load(workload);
      loaded.push(subject);
      log(`${subject.store}: loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      const reason = describeError(error);
      result.skipped.push({ store: subject.store, reason });
      log(`${subject.store}: not measured: ${reason}`);
      await subject.close().catch(() => {});
    }
  }
  return loaded;
}

/** The jobs of one subject: each operation it supports, with its plan. */
function jobsOf(
  subject: Subject,
  plan: (c: number) => MeasurePlan,
  clearPlan: (c: number) => MeasurePlan,
): Job[] {
  const operations = subject.operations();
  return ORDER.flatMap((operation) => {
    const run = operations[operation];
    if (!run) return [];
    return [
      {
        store: subject.store,
        operation,
        run,
        plan: operation === 'clear_session' ? clearPlan : plan,
        ...(subject.settle && { settle: () => subject.settle!() }),
      },
    ];
  });
}

/**
 * Starts every subject from the same state: a CHECKPOINT writes out the dirty pages the previous
 * subject (or the load) left, which would otherwise be flushed during this one's measurements.
 */
async function settle(context: BenchContext): Promise<void> {
  await context.admin.unsafe('CHECKPOINT').catch(() => {
    // Needs superuser (or pg_checkpoint on 15+); without it the run is only a little noisier.
  });
}

/** Thrown when Ctrl-C stopped the run (after it dropped what it created). */
export class BenchInterrupted extends Error {
  constructor() {
    super('the bench was interrupted');
    this.name = 'BenchInterrupted';
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === 'string' ? ` (${code})` : ''}: ${error.message}`;
  }
  return String(error);
}
