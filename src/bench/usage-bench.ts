import postgres from 'postgres';
import { createStore } from '../create-store.js';
import type { UsageInput } from '../contract/usage.js';
import { BENCH_SQL } from './sql.generated.js';
import { renderFor } from './subjects/render-sql.js';
import { dropSecondaryIndexes } from './load/bulk-indexes.js';
import { runUsageRollup } from '../jobs/usage-rollup.js';

/** The most messages this measurement loads unless told otherwise (see --usage). */
const MESSAGES_PER_SESSION = 20;
/** Hours (of the 720) loaded per statement, newest last. */
const CHUNK_HOURS = 24;
const RUNS = 5;

export interface UsageBenchResult {
  messages: number;
  loadSeconds: number;
  /** The first roll-up of the whole history (every later one rolls an hour). */
  rollupSeconds: number;
  /** Median milliseconds of each report, over RUNS runs. */
  reports: Array<{ name: string; medianMs: number; rows: number }>;
}

/**
 * `--usage <messages>`: loads that many messages (usage columns set, in time order, as appends
 * leave them) into a schema of its own, rolls them up (timed), then times store.usage() as a user
 * and as the admin: the rollup for the closed hours, the newest hour live. Dropped after.
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
    await admin.unsafe(q.usageFill, [sessions]);
    const rebuildIndexes = await dropSecondaryIndexes(admin, schema, 'messages');
    for (let last = 719; last >= 0; last -= CHUNK_HOURS) {
      const first = Math.max(0, last - CHUNK_HOURS + 1);
      await admin.unsafe(q.usageFillMessages, [first, last, sessions]);
      if (messages >= 1_000_000) log(`  usage: loaded hours ${719 - last}..${719 - first} of 720`);
    }
    await rebuildIndexes();
    await admin.unsafe(`VACUUM ANALYZE "${schema}".messages, "${schema}".sessions`);
    const loadSeconds = (Date.now() - started) / 1000;
    log(`loaded ${sessions * MESSAGES_PER_SESSION} messages in ${loadSeconds.toFixed(1)} s`);
    const rolling = Date.now();
    const rolled = await runUsageRollup(store);
    const rollupSeconds = (Date.now() - rolling) / 1000;
    await admin.unsafe(`ANALYZE "${schema}".usage_hourly`);
    log(
      `rolled ${rolled.hours} hours up into ${rolled.rows} rows in ${rollupSeconds.toFixed(1)} s ` +
        `(until ${rolled.rolledUntil?.toISOString()}; the hour since is read live)`,
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
      times.sort((a, b) => a - b);
      reports.push({ name, medianMs: Math.round(times[RUNS >> 1]! * 10) / 10, rows });
    }
    return { messages: sessions * MESSAGES_PER_SESSION, loadSeconds, rollupSeconds, reports };
  } finally {
    await store.close();
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
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
      `first roll-up ${result.rollupSeconds.toFixed(1)} s`,
    ...result.reports.map(
      (r) => `usage over ${result.messages} messages: ${r.name}: ${r.medianMs} ms (${r.rows} rows)`,
    ),
  ].join('\n');
  return { result, text };
}
