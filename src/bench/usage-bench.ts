import postgres from 'postgres';
import { createStore } from '../create-store.js';
import type { UsageInput } from '../contract/usage.js';
import { BENCH_SQL } from './sql.generated.js';
import { renderFor } from './subjects/render-sql.js';

/** The most messages this measurement loads unless told otherwise (see --usage). */
const MESSAGES_PER_SESSION = 20;
const CHUNK_SESSIONS = 10_000;
const RUNS = 5;

export interface UsageBenchResult {
  messages: number;
  loadSeconds: number;
  /** Median milliseconds of each report, over RUNS runs. */
  reports: Array<{ name: string; medianMs: number; rows: number }>;
}

/**
 * `--usage <messages>`: loads that many messages (usage columns set) into a schema of its own,
 * then times store.usage() as a user and as the admin. The schema is dropped after.
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
    for (let first = 0; first < sessions; first += CHUNK_SESSIONS) {
      const last = Math.min(sessions, first + CHUNK_SESSIONS) - 1;
      await admin.unsafe(q.usageFillMessages, [first, last]);
    }
    await admin.unsafe(`ANALYZE "${schema}".messages, "${schema}".sessions`);
    const loadSeconds = (Date.now() - started) / 1000;
    log(`loaded ${sessions * MESSAGES_PER_SESSION} messages in ${loadSeconds.toFixed(1)} s`);
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
    return { messages: sessions * MESSAGES_PER_SESSION, loadSeconds, reports };
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
  const text = result.reports
    .map(
      (r) => `usage over ${result.messages} messages: ${r.name}: ${r.medianMs} ms (${r.rows} rows)`,
    )
    .join('\n');
  return { result, text };
}
