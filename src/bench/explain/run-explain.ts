import postgres, { type Sql } from 'postgres';
import { createStoreOnDriver } from '../../create-store.js';
import { openPostgresDriver } from '../../stores/postgres/postgres-driver.js';
import type { SqlDriver } from '../../stores/sql/sql-driver.js';
import { BENCH_SQL } from '../sql.generated.js';
import { renderFor } from '../subjects/render-sql.js';
import { profileCpu, type ProfileSummary } from './cpu-profile.js';

export interface ExplainOptions {
  databaseUrl: string;
  /** Appends measured on each side (server statements explained, client appends profiled). */
  appends: number;
  log: (line: string) => void;
}

/** Server figures per statement, medians over the explained runs. */
export interface ServerFigures {
  statement: string;
  executionMs: number;
  walRecords: number;
  walBytes: number;
  /** B-tree entries written per statement (rows written without HOT x the table's indexes). */
  btreeEntries: number;
  /** GIN entries (search) per statement, by the same count. */
  ginEntries: number;
  /** Share of session-row updates that were HOT (no index entry); undefined: none updated. */
  hotShare: number | undefined;
}

export interface ExplainReport {
  server: ServerFigures[];
  client: { appendMs: number; profile: ProfileSummary };
}

interface TableStats {
  table_name: string;
  inserted: string;
  updated: string;
  hot_updated: string;
  btree_indexes: number;
  gin_indexes: number;
}

const SESSIONS = 20;

/**
 * `npm run bench -- --explain`: where an append's time goes, on both sides of the wire. On the
 * server, the exact statement the postgres store sends (captured from the store, each run with a
 * fresh messageId) under EXPLAIN (ANALYZE, WAL), beside the floor's one-row INSERT: execution
 * time, WAL records and bytes, index entries and the HOT share of session updates. On the client,
 * a CPU profile of appends through the store, summarised by package and source folder.
 */
export async function runExplain(options: ExplainOptions): Promise<ExplainReport> {
  const schema = `cs_x${Date.now().toString(36)}${process.pid.toString(36)}`;
  const admin = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
  const captured: { text?: string; params?: readonly unknown[] } = {};
  const driver = capturing(
    await openPostgresDriver({ url: options.databaseUrl, poolSize: 1 }),
    captured,
  );
  const store = await createStoreOnDriver(driver, {
    url: options.databaseUrl,
    schema,
    migrate: true,
    ttlSeconds: 24 * 3600,
    maxHistory: 50,
  });
  try {
    const content = 'The quick brown fox jumps over the lazy dog, again and again. '.repeat(6);
    const append = (n: number) =>
      store.append({
        userId: 'u1',
        sessionId: `s${n % SESSIONS}`,
        messages: [{ role: n % 2 ? 'assistant' : 'user', content, metadata: { n } }],
      });
    for (let n = 0; n < SESSIONS * 10; n++) await append(n);
    options.log(`explain: profiling ${options.appends} appends through the store`);
    const started = performance.now();
    const profile = await profileCpu(async () => {
      for (let n = 0; n < options.appends; n++) await append(n);
    });
    const appendMs = (performance.now() - started) / options.appends;
    options.log('explain: explaining the store statement and the floor insert');
    const q = renderFor(BENCH_SQL, schema);
    await admin.unsafe(q.floorSchema);
    const storeFigures = await explainRuns(
      admin,
      schema,
      'append (postgres store)',
      options.appends,
      (n) => [captured.text!, withFreshMessageId(captured.params!, `explain-${n}`)],
    );
    const floorFigures = await explainRuns(
      admin,
      schema,
      'insert1 (floor)',
      options.appends,
      (n) => [q.floorInsert1, [n % SESSIONS, `explain-${n}`, 'user', content, '{}']],
    );
    return { server: [floorFigures, storeFigures], client: { appendMs, profile } };
  } finally {
    await store.close();
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end({ timeout: 5 });
  }
}

/** The driver with its last append statement recorded (text and parameters). */
function capturing(
  driver: SqlDriver,
  into: { text?: string; params?: readonly unknown[] },
): SqlDriver {
  return {
    ...driver,
    query: (text, params) => {
      if (text.includes('.append_messages(')) Object.assign(into, { text, params });
      return driver.query(text, params);
    },
  };
}

/** The captured append's parameters with its message (the last, JSON) under a new messageId. */
function withFreshMessageId(params: readonly unknown[], messageId: string): unknown[] {
  const messages = JSON.parse(String(params.at(-1))) as Array<{ messageId: string }>;
  messages[0]!.messageId = messageId;
  return [...params.slice(0, -1), JSON.stringify(messages)];
}

async function explainRuns(
  sql: Sql,
  schema: string,
  statement: string,
  runs: number,
  make: (n: number) => [string, unknown[]],
): Promise<ServerFigures> {
  const before = await tableStats(sql, schema);
  const execution: number[] = [];
  const records: number[] = [];
  const bytes: number[] = [];
  for (let n = 0; n < runs; n++) {
    const [text, params] = make(n);
    const [row] = await sql.unsafe(
      `EXPLAIN (ANALYZE, TIMING OFF, BUFFERS, WAL, FORMAT JSON) ${text}`,
      params as never[],
    );
    const [plan] = (row as unknown as { 'QUERY PLAN': ExplainJson[] })['QUERY PLAN'];
    execution.push(plan!['Execution Time']);
    records.push(plan!.Plan['WAL Records'] ?? 0);
    bytes.push(plan!.Plan['WAL Bytes'] ?? 0);
  }
  const after = await tableStats(sql, schema);
  let btree = 0;
  let gin = 0;
  let sessionUpdates = 0;
  let sessionHot = 0;
  for (const table of after) {
    const was = before.find((t) => t.table_name === table.table_name);
    const inserted = Number(table.inserted) - Number(was?.inserted ?? 0);
    const updated = Number(table.updated) - Number(was?.updated ?? 0);
    const hot = Number(table.hot_updated) - Number(was?.hot_updated ?? 0);
    const indexed = inserted + updated - hot;
    btree += indexed * table.btree_indexes;
    gin += indexed * table.gin_indexes;
    if (table.table_name === 'sessions') {
      sessionUpdates += updated;
      sessionHot += hot;
    }
  }
  return {
    statement,
    executionMs: median(execution),
    walRecords: median(records),
    walBytes: median(bytes),
    btreeEntries: btree / runs,
    ginEntries: gin / runs,
    hotShare: sessionUpdates > 0 ? sessionHot / sessionUpdates : undefined,
  };
}

interface ExplainJson {
  'Execution Time': number;
  Plan: { 'WAL Records'?: number; 'WAL Bytes'?: number };
}

async function tableStats(sql: Sql, schema: string): Promise<TableStats[]> {
  // Statistics reach the shared views when a session flushes them; force this one's.
  await sql.unsafe('SELECT pg_stat_force_next_flush()');
  await sql.unsafe('SELECT 1');
  return (await sql.unsafe(BENCH_SQL.explainTableStats, [schema])) as unknown as TableStats[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The report as the terminal prints it. */
export function renderExplain(report: ExplainReport): string {
  const lines = ['server, per statement (medians; EXPLAIN ANALYZE, WAL):'];
  const floor = report.server[0]!;
  for (const f of report.server) {
    lines.push(
      `  ${f.statement.padEnd(24)} execution ${f.executionMs.toFixed(3)} ms ` +
        `(${(f.executionMs / floor.executionMs).toFixed(1)}x the floor), WAL ${f.walRecords} records / ` +
        `${f.walBytes} bytes, b-tree entries ${f.btreeEntries.toFixed(1)}, GIN entries ` +
        `${f.ginEntries.toFixed(1)}` +
        (f.hotShare === undefined ? '' : `, HOT session updates ${(100 * f.hotShare).toFixed(0)}%`),
    );
  }
  const { client } = report;
  lines.push(
    `client: ${client.appendMs.toFixed(3)} ms per append through the store (c=1, profiled)`,
  );
  lines.push(
    `  idle (waiting for the server) ${(100 * client.profile.idleShare).toFixed(0)}% of the ` +
      `time; of the busy ${client.profile.totalMs.toFixed(0)} ms, self time by place:`,
  );
  for (const p of client.profile.byPlace.slice(0, 10)) {
    lines.push(`    ${(100 * p.share).toFixed(1).padStart(5)}%  ${p.place}`);
  }
  lines.push('  busiest functions:');
  for (const f of client.profile.topFunctions) {
    lines.push(`    ${(100 * f.share).toFixed(1).padStart(5)}%  ${f.name} (${f.place})`);
  }
  return lines.join('\n');
}
