import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runBench } from '../../src/bench/run-bench.js';
import { renderTable } from '../../src/bench/report/terminal-table.js';
import { renderExplain, runExplain } from '../../src/bench/explain/run-explain.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/servers.js';

const available = inject('postgresAvailable') && inject('redisAvailable');
const dir = await mkdtemp(join(tmpdir(), 'convstore-bench-test-'));

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!available)('npm run bench (a very reduced run)', () => {
  it('writes one row per (store, operation, concurrency) and leaves nothing behind', async () => {
    const json = join(dir, 'bench.json');
    const svg = join(dir, 'bench.svg');
    const markdown = join(dir, 'bench.md');
    const result = await runBench({
      quick: true,
      stores: ['postgres', 'sketch-postgres'],
      concurrency: [1, 4],
      seconds: 0.05,
      growth: [],
      http: false,
      databaseUrl: TEST_DATABASE_URL,
      redisUrl: TEST_REDIS_URL,
      json,
      svg,
      markdown,
      log: () => {},
    });

    const rows = JSON.parse(await readFile(json, 'utf8')) as Array<Record<string, unknown>>;
    expect(rows).toEqual(result.rows);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(
        ['concurrency', 'operation', 'ops_per_s', 'p50_ms', 'p95_ms', 'p99_ms', 'store'].sort(),
      );
      const [p50, p95, p99] = [r.p50_ms, r.p95_ms, r.p99_ms] as number[];
      expect(p50).toBeGreaterThan(0);
      expect(p95!).toBeGreaterThanOrEqual(p50!);
      expect(p99!).toBeGreaterThanOrEqual(p95!);
      expect(r.ops_per_s).toBeGreaterThan(0);
    }
    const keys = rows.map((r) => `${r.store}/${r.operation}/${r.concurrency}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const c of [1, 4]) {
      for (const op of ['select1', 'insert1', 'read50'])
        expect(keys).toContain(`floor-postgres/${op}/${c}`);
      for (const op of ['select1', 'insert1', 'read50'])
        expect(keys).toContain(`floor-pglite/${op}/${c}`);
      for (const op of ['ping', 'lrange50', 'lrange50_decoded'])
        expect(keys).toContain(`floor-redis/${op}/${c}`);
      for (const store of ['postgres', 'sketch-postgres']) {
        for (const op of ['add', 'read_last_50', 'list_sessions', 'clear_session', 'chat_turn']) {
          expect(keys).toContain(`${store}/${op}/${c}`);
        }
      }
    }
    expect(result.skipped).toEqual([]);
    expect(await readFile(svg, 'utf8')).toMatch(
      /^<svg [^>]*>[\s\S]*sketch-postgres[\s\S]*<\/svg>\n$/,
    );
    expect(renderTable(result)).toMatch(/^operation +\| postgres/m);
    expect(renderTable(result)).toMatch(
      /^postgres add p50 \(c=1\), x floor-postgres insert1 +\| [\d.]+ /m,
    );
    expect(await readFile(markdown, 'utf8')).toMatch(/^\| add \| [\d.]+ \(/m);

    // Every schema and key of the run is gone.
    const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const schemas = await sql`
        SELECT nspname FROM pg_namespace WHERE nspname LIKE ${result.runPrefix + '%'}`;
      expect(schemas).toHaveLength(0);
      const [, keysLeft] = await redis.scan('0', 'MATCH', `${result.runPrefix}*`, 'COUNT', 100000);
      expect(keysLeft).toEqual([]);
    } finally {
      await sql.end({ timeout: 1 });
      redis.disconnect();
    }
  });

  it('explains an append: server figures beside the floor insert, and the client profiled', async () => {
    const report = await runExplain({ databaseUrl: TEST_DATABASE_URL, appends: 30, log: () => {} });
    const [floor, append] = report.server;
    expect(floor!.walRecords).toBeGreaterThanOrEqual(1);
    expect(floor!.btreeEntries).toBe(0);
    // The append writes a message (its key, its idempotency key...) and moves its session.
    expect(append!.btreeEntries).toBeGreaterThanOrEqual(2);
    expect(append!.walRecords).toBeGreaterThan(floor!.walRecords);
    expect(append!.executionMs).toBeGreaterThan(0);
    expect(append!.hotShare).toBeGreaterThanOrEqual(0);
    expect(report.client.appendMs).toBeGreaterThan(0);
    // Where the busy time went: shares of one whole (which places a few samples land in varies).
    const places = report.client.profile.byPlace;
    expect(places.length).toBeGreaterThan(0);
    expect(places.reduce((sum, p) => sum + p.share, 0)).toBeCloseTo(1, 5);
    expect(report.client.profile.idleShare).toBeGreaterThan(0);
    expect(renderExplain(report)).toMatch(/^ {2}append \(postgres store\) +execution [\d.]+ ms/m);
  });

  // Two schemas of 100k rows (plain and partitioned): longer than the default timeout.
  it(
    'grows the messages table with its own loader and measures the store beside the floors',
    { timeout: 120_000 },
    async () => {
      const result = await runBench({
        quick: true,
        stores: [],
        concurrency: [1],
        seconds: 0.05,
        growth: ['100k'],
        partitions: 2,
        http: false,
        databaseUrl: TEST_DATABASE_URL,
        redisUrl: TEST_REDIS_URL,
        log: () => {},
      });
      const grown = result.rows.filter((r) => r.store.endsWith('@100k'));
      expect(grown.map((r) => `${r.store}/${r.operation}`).sort()).toEqual([
        'floor-postgres@100k/insert1',
        'floor-postgres@100k/read50',
        'postgres-partitioned@100k/add',
        'postgres-partitioned@100k/list_sessions',
        'postgres-partitioned@100k/read_last_50',
        'postgres@100k/add',
        'postgres@100k/list_sessions',
        'postgres@100k/read_last_50',
      ]);
      for (const r of grown) expect(r.table_rows).toBeGreaterThanOrEqual(100_000);
      expect(result.loads.map((load) => load.store)).toEqual(['postgres', 'postgres-partitioned']);
      for (const load of result.loads) {
        expect(load.loaded + 2_500).toBeGreaterThanOrEqual(100_000);
        expect(load.rows_per_s).toBeGreaterThan(0);
      }
      // Each schema's cleanup step reclaimed 1 % of its sessions (20 of 50 messages each).
      expect(result.cleanups?.map((c) => [c.store, c.sessions, c.messages])).toEqual([
        ['postgres', 20, 1000],
        ['postgres-partitioned', 20, 1000],
      ]);
      const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      try {
        const schemas = await sql`
        SELECT nspname FROM pg_namespace WHERE nspname LIKE ${result.runPrefix + '%'}`;
        expect(schemas).toHaveLength(0);
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
  );
});
