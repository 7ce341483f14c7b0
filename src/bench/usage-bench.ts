import postgres from 'postgres';
import { createStore } from '../create-store.js';
import type { UsageInput } from '../contract/usage.js';
import { BENCH_SQL } from './sql.generated.js';
import { renderFor } from './subjects/render-sql.js';
import { dropSecondaryIndexes } from './load/bulk-indexes.js';
import { runUsageRollup } from '../jobs/usage-rollup.js';
import { DEFAULT_USAGE_ROLLUP_INTERVAL_MS } from '../jobs/schedule-usage-rollup.js';
import { resolveUsageInput } from '../contract/usage.js';
import { QUERIES } from '../stores/sql/queries.generated.js';
import { quoteSchema, renderSql } from '../stores/sql/schema-name.js';
import { readsUsageTotals, usageParams } from '../stores/sql/usage-rows.js';

/** The most messages this measurement loads unless told otherwise (see --usage). */
const MESSAGES_PER_SESSION = 20;
/** Hours (of the 720) loaded per statement, newest last. */
const CHUNK_HOURS = 24;
const RUNS = 5;
/** How far behind now the roll-up stops (queries/usage-roll-up.sql, `now() - 5 minutes`). */
const USAGE_ROLLUP_MARGIN_MS = 5 * 60_000;

export interface UsageBenchResult {
  messages: number;
  loadSeconds: number;
  /** The first roll-up of the whole history (every later one rolls an hour). */
  rollupSeconds: number;
  /** Rows of the user-less level (0010) the roll-up wrote. */
  totalsRows: number;
  /** Messages after the roll-up's watermark, which every report reads live. */
  liveMessages: number;
  /** Median milliseconds of each report, over RUNS runs; for an everyone-report (read from the
   *  user-less level) also the same report read from the per-user level, as before 0010. */
  reports: Array<{ name: string; medianMs: number; rows: number; perUserLevelMs?: number }>;
}

/**
 * `--usage <messages>`: loads that many messages (usage columns set, in time order, as appends
 * leave them) into a schema of its own, rolls them up (timed), adds the minutes of messages a
 * service's roll-up schedule leaves unrolled at worst, then times store.usage() as a user and
 * as the admin: the rollup up to its watermark, those minutes live. Dropped after.
 */
export async function runUsageBench(
  databaseUrl: string,
  messages: number,
  log: (line: string) => void,
): Promise<UsageBenchResult> {
  const schema = `bench_usage_${process.pid}`;
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const store = await createStore({ url: databaseUrl, schema, migrate: true });
  try {
    const q = renderFor(BENCH_SQL, schema);
    const sessions = Math.max(1, Math.ceil(messages / MESSAGES_PER_SESSION));
    const started = Date.now();
    // Every statement of the load from one anchor, so that its newest messages end a minute
    // before the load began, whatever it takes: the minutes after the roll-up are the tail's.
    const anchor = new Date(started - 21 * 60_000).toISOString();
    await admin.unsafe(q.usageFill, [sessions, anchor]);
    const rebuildIndexes = await dropSecondaryIndexes(admin, schema, 'messages');
    for (let last = 719; last >= 0; last -= CHUNK_HOURS) {
      const first = Math.max(0, last - CHUNK_HOURS + 1);
      await admin.unsafe(q.usageFillMessages, [first, last, sessions, anchor]);
      if (messages >= 1_000_000) log(`  usage: loaded hours ${719 - last}..${719 - first} of 720`);
    }
    await rebuildIndexes();
    await admin.unsafe(`VACUUM ANALYZE "${schema}".messages, "${schema}".sessions`);
    const loadSeconds = (Date.now() - started) / 1000;
    log(`loaded ${sessions * MESSAGES_PER_SESSION} messages in ${loadSeconds.toFixed(1)} s`);
    const rolling = Date.now();
    const rolled = await runUsageRollup(store);
    const rollupSeconds = (Date.now() - rolling) / 1000;
    await admin.unsafe(`ANALYZE "${schema}".usage_hourly, "${schema}".usage_hourly_totals`);
    const [totals] = await admin.unsafe<Array<{ n: number }>>(
      `SELECT count(*)::integer AS n FROM "${schema}".usage_hourly_totals`,
    );
    const totalsRows = totals!.n;
    // What the service's schedule leaves unrolled at worst: one interval plus the roll-up's
    // margin of messages after the watermark, at the load's density (the load ends before it).
    const tailMs = DEFAULT_USAGE_ROLLUP_INTERVAL_MS + USAGE_ROLLUP_MARGIN_MS;
    const perMs = (sessions * MESSAGES_PER_SESSION) / (720 * 3_600_000);
    const tailMessages = Math.max(1, Math.round(perMs * tailMs));
    await admin.unsafe(q.usageFillTail, [
      sessions,
      tailMessages,
      rolled.rolledUntil!.toISOString(),
      tailMs / 1000,
    ]);
    await admin.unsafe(`ANALYZE "${schema}".messages`);
    const [live] = await admin.unsafe<Array<{ n: number }>>(
      `SELECT count(*)::integer AS n FROM "${schema}".messages
        WHERE created_at >= (SELECT rolled_until FROM "${schema}".usage_rollup_state)`,
    );
    log(
      `rolled ${rolled.hours.toFixed(2)} hours up into ${rolled.rows} rows in ` +
        `${rollupSeconds.toFixed(1)} s and ${totalsRows} user-less rows (until ` +
        `${rolled.rolledUntil?.toISOString()}); ${live!.n} messages after it, read live`,
    );
    const to = new Date(Date.now() + 3_600_000);
    const from = new Date(to.getTime() - 31 * 86_400_000);
    const cases: Array<[string, UsageInput]> = [
      ['one user, by day and model', { userId: 'u0', from, to, groupBy: ['day', 'model'] }],
      ['everyone, by day (Lisbon)', { from, to, groupBy: ['day'], timeZone: 'Europe/Lisbon' }],
      ['everyone, by model', { from, to, groupBy: ['model'] }],
      [
        'everyone, last day, by user',
        { from: new Date(to.getTime() - 86_400_000), to, groupBy: ['user'] },
      ],
    ];
    const reports: UsageBenchResult['reports'] = [];
    for (const [name, input] of cases) {
      const times: number[] = [];
      let rows = 0;
      for (let run = 0; run < RUNS; run++) {
        const t0 = performance.now();
        rows = (await store.usage(input)).rows.length;
        times.push(performance.now() - t0);
      }
      const report: UsageBenchResult['reports'][number] = { name, medianMs: median(times), rows };
      const resolved = resolveUsageInput(input);
      if (readsUsageTotals(resolved)) {
        // As the store runs it: its connections run with jit off (postgres-driver.ts).
        await admin.unsafe('SET jit = off');
        const perUserLevel = renderSql(QUERIES.usage, quoteSchema(schema));
        const before: number[] = [];
        for (let run = 0; run < RUNS; run++) {
          const t0 = performance.now();
          await admin.unsafe(perUserLevel, usageParams(resolved) as never[]);
          before.push(performance.now() - t0);
        }
        report.perUserLevelMs = median(before);
      }
      reports.push(report);
    }
    return {
      messages: sessions * MESSAGES_PER_SESSION,
      loadSeconds,
      rollupSeconds,
      totalsRows,
      liveMessages: live!.n,
      reports,
    };
  } finally {
    await store.close();
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return Math.round(sorted[sorted.length >> 1]! * 10) / 10;
}

/** The --usage run as both entry points (npm run bench, convstore bench) print it. */
export async function usageBenchText(
  databaseUrl: string | undefined,
  messages: number,
  log: (line: string) => void,
): Promise<{ result: UsageBenchResult; text: string }> {
  const url =
    databaseUrl ?? process.env.CONVSTORE_BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';
  const result = await runUsageBench(url, messages, log);
  const text = [
    `usage over ${result.messages} messages: loaded in ${result.loadSeconds.toFixed(1)} s, ` +
      `first roll-up ${result.rollupSeconds.toFixed(1)} s, ${result.liveMessages} messages ` +
      `after it read live`,
    ...result.reports.map(
      (r) =>
        `usage over ${result.messages} messages: ${r.name}: ${r.medianMs} ms (${r.rows} rows)` +
        (r.perUserLevelMs === undefined ? '' : `; from the per-user level ${r.perUserLevelMs} ms`),
    ),
  ].join('\n');
  return { result, text };
}
