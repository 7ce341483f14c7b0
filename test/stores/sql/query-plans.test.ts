import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createStore } from '../../../src/index.js';
import { QUERIES } from '../../../src/stores/sql/queries.generated.js';
import { TEST_DATABASE_URL } from '../../support/servers.js';

/**
 * Nothing on the hot path scans a table, whatever the planner knows: the plans are read as
 * generic plans (what prepared statements settle on) on tables that were never analysed, the
 * worst case of a fresh deployment. Twice: on plain tables, and on a schema created with
 * `partitions`, where every query of one user must also read one partition only. A generic plan
 * cannot know the user, so the partitions are pruned when the executor starts (EXPLAIN shows
 * "Subplans Removed"); the partitions left are what the test counts.
 */
const sql = postgres(TEST_DATABASE_URL, { max: 1, prepare: false, onnotice: () => {} });
const PARTITIONS = 4;

afterAll(async () => {
  await sql.end({ timeout: 1 });
});

const json = `'[{"messageId":"m1","role":"user","content":"x","metadata":{}}]'`;

/** Queries of one user, each with the index it must use; cleanup-batch reads every user's. */
const ONE_USER_QUERIES: Array<[string, string, string, RegExp]> = [
  // One call of append_messages (sql/functions/): its statements are planned inside it.
  ['append', QUERIES.append, `'u','s1',NULL,3600,100,${json}`, /Result/],
  [
    'history-newest',
    QUERIES.historyNewest,
    `'u','s1',50`,
    /Index Scan Backward using messages_pkey/,
  ],
  ['history-after', QUERIES.historyAfter, `'u','s1',10,NULL,50`, /Index Scan using messages_pkey/],
  [
    'history-before',
    QUERIES.historyBefore,
    `'u','s1',90,50`,
    /Index Scan Backward using messages_pkey/,
  ],
  ['get-session', QUERIES.getSession, `'u','s1'`, /Index Scan using sessions_pkey/],
  [
    'list-sessions-after',
    QUERIES.listSessionsAfter,
    `'u','1900000000000000','s5',51`,
    /sessions_by_activity/,
  ],
  [
    'update-session',
    QUERIES.updateSession,
    `'u','s1',3600,false,NULL,true,'t',false,'{}'`,
    /sessions_pkey/,
  ],
  ['delete-session', QUERIES.deleteSession, `'u','s1'`, /sessions_pkey/],
  [
    'export-user-sessions',
    QUERIES.exportUserSessions,
    `'u','s5',500`,
    /Index Scan using sessions_pkey/,
  ],
];

describePlans('plain tables', undefined);
describePlans(`${PARTITIONS} hash partitions`, PARTITIONS);

function describePlans(layout: string, partitions: number | undefined): void {
  const schema = `${inject('runPrefix')}_plans_${partitions ?? 0}_${process.pid}`;
  /** A partition's index name -> the name of the index it belongs to (sessions_p3_pkey -> sessions_pkey). */
  let parentIndex = new Map<string, string>();

  describe.skipIf(!inject('postgresAvailable'))(`query plans on PostgreSQL, ${layout}`, () => {
    beforeAll(async () => {
      const store = await createStore({
        url: TEST_DATABASE_URL,
        schema,
        migrate: true,
        ...(partitions !== undefined && { partitions }),
      });
      await store.close();
      const tables = partitions === undefined ? ['messages', 'sessions'] : partitionNames();
      await sql.unsafe(`
        ${tables.map((t) => `ALTER TABLE "${schema}".${t} SET (autovacuum_enabled = false);`).join('\n')}
        INSERT INTO "${schema}".users VALUES ('u');
        INSERT INTO "${schema}".sessions (user_id, session_id, expires_at, last_seq, message_count)
        SELECT 'u', 's' || g, now() + interval '1 hour', 100, 100 FROM generate_series(1, 2000) g;
        INSERT INTO "${schema}".messages (user_id, session_id, seq, message_id, role, content)
        SELECT 'u', 's' || (g % 2000 + 1), g / 2000 + 1, 'm' || g, 'user', 'hello'
          FROM generate_series(0, 199999) g;
      `);
      // Partitioned, the heavy user fills one partition: other users fill the rest as much, so
      // that no partition is small enough for a scan of it to look cheap.
      if (partitions !== undefined) {
        await sql.unsafe(`
          INSERT INTO "${schema}".users SELECT 'f' || g FROM generate_series(1, 200) g;
          INSERT INTO "${schema}".sessions (user_id, session_id, expires_at)
          SELECT 'f' || (g % 200 + 1), 's' || g, now() + interval '1 hour'
            FROM generate_series(1, 20000) g;
        `);
      }
      const rows = await sql<{ child: string; parent: string }[]>`
        SELECT c.relname AS child, p.relname AS parent
          FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
          JOIN pg_class p ON p.oid = i.inhparent
         WHERE c.relkind = 'i' AND c.relnamespace = ${schema}::regnamespace`;
      parentIndex = new Map(rows.map((row) => [row.child, row.parent]));
    });

    afterAll(async () => {
      await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    });

    function partitionNames(): string[] {
      return Array.from({ length: partitions ?? 0 }, (_, r) => [
        `sessions_p${r}`,
        `messages_p${r}`,
      ]).flat();
    }

    async function prepare(query: string): Promise<void> {
      await sql.unsafe('DEALLOCATE ALL');
      await sql.unsafe('SET plan_cache_mode = force_generic_plan');
      await sql.unsafe(`PREPARE q AS ${query.replaceAll('{{schema}}', `"${schema}"`)}`);
    }

    /** The generic plan, with each partition's index named after the index it belongs to. */
    async function plan(query: string, args: string): Promise<string> {
      await prepare(query);
      return explain(`EXPLAIN EXECUTE q(${args})`);
    }

    async function explain(statement: string): Promise<string> {
      const rows = await sql.unsafe(statement);
      const text = rows.map((row) => row['QUERY PLAN'] as string).join('\n');
      return text.replace(/\w+/g, (word) => parentIndex.get(word) ?? word);
    }

    /**
     * The partitions one run of the query touched, per table (`messages_p2` -> messages: {2}),
     * with the sequential scans among them: the backend's table statistics
     * (pg_stat_xact_user_tables) before and after the run, in a transaction rolled back. They
     * count what the statements inside a stored function (append) and foreign-key checks touch
     * too, which no plan shows. (Before and after, because the view also holds counts of earlier
     * transactions not yet flushed to the shared statistics.)
     */
    async function partitionsTouched(
      query: string,
      args: string,
    ): Promise<{ read: Map<string, Set<string>>; seqScans: string[] }> {
      await prepare(query);
      await sql.unsafe('BEGIN');
      try {
        const before = await partitionCounters();
        await sql.unsafe(`EXECUTE q(${args})`);
        const after = await partitionCounters();
        const read = new Map<string, Set<string>>();
        const seqScans: string[] = [];
        for (const [relname, [seq, any]] of after) {
          const [prevSeq, prevAny] = before.get(relname) ?? [0, 0];
          if (any === prevAny) continue;
          const [, table, remainder] = /^(\w+)_p(\d+)$/.exec(relname)!;
          read.set(table!, (read.get(table!) ?? new Set()).add(remainder!));
          if (seq > prevSeq) seqScans.push(relname);
        }
        return { read, seqScans };
      } finally {
        await sql.unsafe('ROLLBACK');
      }
    }

    /** Per partition: [sequential scans, every scan and row change]. */
    async function partitionCounters(): Promise<Map<string, [number, number]>> {
      const rows = await sql<{ relname: string; seq: string; any: string }[]>`
        SELECT relname, seq_scan AS seq,
               seq_scan + coalesce(idx_scan, 0) + n_tup_ins + n_tup_upd + n_tup_del AS any
          FROM pg_stat_xact_user_tables
         WHERE schemaname = ${schema} AND relname ~ '_p[0-9]+$'`;
      return new Map(rows.map((row) => [row.relname, [Number(row.seq), Number(row.any)]]));
    }

    /**
     * On the partitioned schema: one partition of each table, none of them scanned whole; and
     * pruned when the executor starts (the plan names one), not row by row after opening all.
     */
    async function expectOnePartitionPerTable(query: string, args: string): Promise<void> {
      if (partitions === undefined) return;
      const planned = new Map<string, Set<string>>();
      for (const [, table, remainder] of (await plan(query, args)).matchAll(
        /Scan.* on (\w+)_p(\d+)\b/g,
      )) {
        planned.set(table!, (planned.get(table!) ?? new Set()).add(remainder!));
      }
      for (const [table, remainders] of planned) {
        expect({ table, planned: remainders.size }).toEqual({ table, planned: 1 });
      }
      const { read, seqScans } = await partitionsTouched(query, args);
      expect(read.size).toBeGreaterThan(0);
      for (const [table, remainders] of read) {
        expect({ table, partitions: remainders.size }).toEqual({ table, partitions: 1 });
      }
      expect(seqScans).toEqual([]);
    }

    it.each(ONE_USER_QUERIES)(
      '%s uses its index, scans no table and reads one partition',
      async (_, query, args, expected) => {
        const text = await plan(query, args);
        expect(text).not.toMatch(/Seq Scan/);
        expect(text).toMatch(expected);
        await expectOnePartitionPerTable(query, args);
      },
    );

    // Every user's: on the partitioned schema, each partition's index, merged in key order.
    it.each([
      [
        'cleanup-batch',
        QUERIES.cleanupBatch,
        '500',
        /Tid Scan[\s\S]*sessions_by_expiry|sessions_by_expiry[\s\S]*Tid Scan/,
      ],
      ['export-sessions', QUERIES.exportSessions, `'u','s5',500`, /Index Scan using sessions_pkey/],
    ])(
      '%s reads every user through its index and scans no table',
      async (_, query, args, expected) => {
        const text = await plan(query, args);
        expect(text).not.toMatch(/Seq Scan/);
        expect(text).toMatch(expected);
      },
    );

    // A heavy user's first page needs the statistics autovacuum keeps: without them the planner
    // guesses a handful of sessions per user and sorts them all instead of reading the newest.
    it('list-sessions reads the newest sessions of a heavy user straight from the index', async () => {
      await sql.unsafe(`ANALYZE "${schema}".sessions`);
      const text = await plan(QUERIES.listSessions, `'u',51`);
      expect(text).not.toMatch(/Seq Scan|Sort {2}\(/);
      expect(text).toMatch(/Index Scan Backward using sessions_by_activity/);
      await expectOnePartitionPerTable(QUERIES.listSessions, `'u',51`);
    });

    // Search too: short of statistics the planner takes a user for a handful of messages and
    // reads them all; with them (autovacuum's) it walks the GIN index of the user's hits.
    it.each([
      [
        'search',
        QUERIES.search,
        `'u','hotel lisbon',NULL,NULL,NULL,NULL,0,21,1000`,
        /messages_search\b/,
      ],
      [
        'search-cjk',
        QUERIES.searchCjk,
        `'u','東京タワー',NULL,NULL,NULL,NULL,0,21,'%東京タワー%','東京タワー','東京タワー',1000`,
        /BitmapOr[\s\S]*messages_search/,
      ],
    ])('%s walks the search indexes of a heavy user', async (_, query, args, expected) => {
      await sql.unsafe(`ANALYZE "${schema}".messages`);
      const text = await plan(query, args);
      expect(text).not.toMatch(/Seq Scan|messages_pkey|message_id_key/);
      expect(text).toMatch(expected);
      await expectOnePartitionPerTable(query, args);
    });
  });
}
