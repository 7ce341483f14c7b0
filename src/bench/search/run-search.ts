import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { createStore } from '../../create-store.js';
import { schemaFor, type BenchContext } from '../bench-context.js';
import type { SearchBenchRow } from '../bench-result.js';
import { percentile, roundMs } from '../measure.js';
import { BENCH_SQL } from '../sql.generated.js';
import { renderFor } from '../subjects/render-sql.js';
import { dropSecondaryIndexes } from '../load/bulk-indexes.js';

/** Sessions per load statement (100 messages each): 100,000 rows a statement. */
const CHUNK_SESSIONS = 1000;
const PER_SESSION = 100;
const RUNS = 30;
const WARMUP = 3;

/** What is searched: a rare word, a common one, a phrase of common words, an excluded word. */
const QUERIES = [
  { name: 'rare word', query: 'w5000', pattern: '%w5000 %' },
  { name: 'medium word', query: 'w1000', pattern: '%w1000 %' },
  { name: 'common word', query: 'w30', pattern: '%w30 %' },
  { name: 'phrase', query: '"w30 w31"', pattern: '%w30 w31 %' },
] as const;

export interface SearchBenchOptions {
  /** Messages in the table. */
  size: number;
  rows: SearchBenchRow[];
  stopIfInterrupted: () => void;
}

/**
 * Search at a table size: the postgres store's search (GIN indexes of 0007_search.sql) side by
 * side with the search as it was before it ranked only the newest hits, and with a plain ILIKE
 * scan of the same user's messages, one caller, each query run 30 times
 * after a warm-up. The table is bulk-loaded in the server with the word index dropped and built
 * after (as a restore would; see load/bulk-indexes.ts), ten users owning a tenth each.
 */
export async function runSearchBench(
  context: BenchContext,
  options: SearchBenchOptions,
): Promise<void> {
  const { admin, log } = context;
  const schema = schemaFor(context, 'search');
  const q = renderFor(BENCH_SQL, schema);
  const store = await createStore({
    url: context.databaseUrl,
    schema,
    migrate: true,
    poolSize: context.poolSize,
  });
  // The search as it was (every hit ranked), on a connection set up as the store's (jit off).
  const before = postgres(context.databaseUrl, {
    max: 1,
    onnotice: () => {},
    connection: { jit: 'off' },
  });
  try {
    const sessions = Math.ceil(options.size / PER_SESSION);
    const started = performance.now();
    const rebuildIndexes = await dropSecondaryIndexes(admin, schema, 'messages');
    for (let first = 0; first < sessions; first += CHUNK_SESSIONS) {
      options.stopIfInterrupted();
      const last = Math.min(sessions, first + CHUNK_SESSIONS) - 1;
      await admin.unsafe(q.searchFillSessions, [first, last, PER_SESSION]);
      await admin.unsafe(q.searchFillMessages, [first, last, PER_SESSION]);
      log(`  search: loaded ${((last + 1) * PER_SESSION).toLocaleString('en')} messages`);
    }
    log('  search: building the indexes');
    await rebuildIndexes();
    await admin.unsafe(`ANALYZE "${schema}".messages, "${schema}".sessions`);
    const rows = sessions * PER_SESSION;
    log(
      `search: ${rows.toLocaleString('en')} messages loaded and indexed in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const userId = 's3';
    for (const { name, query, pattern } of QUERIES) {
      options.stopIfInterrupted();
      const [counted] = await admin.unsafe<{ n: string }[]>(q.searchCount, [userId, query]);
      const search = await time(() => store.search({ userId, query, limit: 20 }));
      const rankAll = await time(() =>
        before.unsafe(q.searchRankAll, [userId, query, null, null, null, null, 0, 21]),
      );
      const ilike = await time(() => admin.unsafe(q.searchIlike, [userId, pattern, 20]));
      for (const [method, timing] of [
        ['search', search],
        ['rank_all', rankAll],
        ['ilike', ilike],
      ] as const) {
        const row: SearchBenchRow = {
          table_rows: rows,
          query: name,
          method,
          hits: Number(counted?.n ?? 0),
          p50_ms: roundMs(timing.p50),
          p95_ms: roundMs(timing.p95),
        };
        options.rows.push(row);
        log(
          `  ${name} (${row.hits} hits of user ${userId}): ${method} p50 ${row.p50_ms} ms, p95 ${row.p95_ms}`,
        );
      }
    }
  } finally {
    await before.end();
    await store.close();
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

async function time(run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < WARMUP; i++) await run();
  const latencies: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95) };
}
