import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateDatabase } from '../../../src/jobs/migrate-database.js';
import { FUNCTION_FILES } from '../../../src/stores/sql/functions.generated.js';
import { QUERIES } from '../../../src/stores/sql/queries.generated.js';
import { TEST_DATABASE_URL } from '../../support/servers.js';

/**
 * The schema is ready to be sharded by user (Citus, docs/SCALING.md): read on a freshly migrated
 * schema (the store's series and the service's), and from the SQL the stores run.
 *
 * What this proves, and what it does not:
 * - The catalogue part is exact: every primary and unique key of a user-data table leads with
 *   user_id (Citus requires the distribution column in every unique key), and the tables that
 *   are not user data are exactly the ones named below.
 * - The statement part is a textual rule, not a parser: every FROM / JOIN / UPDATE / DELETE FROM
 *   of a user-data table, in every query file and every stored-function statement, must have in
 *   the same statement an equality on that reference's user_id (with $1, p_user_id, or another
 *   reference's user_id, i.e. a join on the user), and every INSERT into one must name user_id
 *   in its column list and take it from $1 or p_user_id. A statement that satisfied the rule
 *   textually while joining two users through some other path would pass; none such exists
 *   today, and the rule catches the common mistakes (a lookup by session_id alone, a join on
 *   session_id alone, a write with no user). The few statements that work across users on
 *   purpose are named below with the reason, so adding one is a visible decision.
 */
const schema = `${inject('runPrefix')}_citus_${process.pid}`;
const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });

/** Tables holding one user's data: distributed by user_id (docs/SCALING.md). */
const USER_TABLES = ['users', 'sessions', 'messages', 'tool_calls', 'operations', 'api_keys'];
/**
 * Not user data, each a single row or a small catalogue: reference tables on Citus. (The usage
 * rollup's state: its watermark row and the dirty hours. Its rows, usage_hourly, are user data
 * distributed by user_id like messages; it has no unique key, so the key check does not see it.)
 */
const REFERENCE_TABLES = [
  'agents',
  'retention_policy',
  'service_admin',
  'usage_rollup_state',
  'usage_dirty_hours',
];
/** The migrators' bookkeeping: written by the deploy step only, on the coordinator. */
const BOOKKEEPING_TABLES = [
  'schema_migrations',
  'schema_migrations_functions',
  'service_migrations',
  'service_migrations_functions',
];
/**
 * The one user-data key that does not lead with user_id: an API key is looked up by its hash
 * before anyone knows whose it is. docs/SCALING.md says what to do about it on Citus; the test
 * pins it so that the gap cannot grow unnoticed.
 */
const KNOWN_KEY_GAPS = ['api_keys.api_keys_pkey (key_hash)'];

/** Statements that work across users on purpose, with why that is right. */
const CROSS_USER_QUERIES: Record<string, string> = {
  cleanupBatch: 'the expiry sweep: reclaims expired sessions of every user',
  abortExpiredDrafts: 'the draft sweep: aborts expired drafts of every user',
  appendBatch: 'a batch of appends of many users; each runs append_messages for its own user',
  exportSessions: "the admin's export of every user's sessions (keyset by user, then session)",
  importMessages:
    'rows of one exported session, user_id carried in each JSON row (jsonb_populate_record)',
  importSession: 'one exported session, its user_id carried in the JSON row',
};
const CROSS_USER_FUNCTIONS: Record<string, string> = {
  append_batch: 'the loop of the batch above; every iteration calls append_messages(user, ...)',
  usage_hours_of:
    "the usage rollup's rows of an hour range: every user's (the job, the admin's report) or one",
  usage_roll_up: "the usage rollup job: every user's messages of the closed hours",
};
/**
 * The usage rollup's functions (10_usage_rollup.sql, 12_usage_totals.sql): across users (the
 * job, the user-less level of everyone-reports) or on no user data (histograms, sketches).
 */
const USAGE_FUNCTIONS = [
  'usage_histogram_add',
  'usage_histogram_quantile',
  'usage_hour',
  'usage_hours_of',
  'usage_latency_bucket',
  'usage_latency_histogram',
  'usage_latency_ms',
  'usage_latency_quantile',
  'usage_mark_dirty',
  'usage_roll_hours',
  'usage_roll_totals',
  'usage_roll_up',
  'usage_sketch_count',
  'usage_sketch_index',
  'usage_sketch_of',
  'usage_totals_of',
];

beforeAll(async () => {
  if (!inject('postgresAvailable')) return;
  await migrateDatabase({ url: TEST_DATABASE_URL, schema, service: true });
});

afterAll(async () => {
  await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await sql.end({ timeout: 1 });
});

/** Strips -- comments (no string literal in these files holds a --). */
function stripComments(text: string): string {
  return text.replace(/--[^\n]*/g, '');
}

/** Function bodies (between $$), split into statements at ';'. */
function functionStatements(file: string): { name: string; statements: string[] }[] {
  const out: { name: string; statements: string[] }[] = [];
  const re = /CREATE OR REPLACE FUNCTION \{\{schema\}\}\.(\w+)\(([\s\S]*?)\$\$([\s\S]*?)\$\$/g;
  for (const match of stripComments(file).matchAll(re)) {
    out.push({ name: match[1] as string, statements: (match[3] as string).split(';') });
  }
  return out;
}

const USER_TABLE_RE = USER_TABLES.join('|');
const KEYWORDS = new Set(['where', 'on', 'set', 'using', 'for', 'as', 'join', 'left', 'returning']);

/** The problems of one statement under the rule above (empty: it keeps to one user). */
function crossUserProblems(statement: string): string[] {
  const problems: string[] = [];
  const refs = new RegExp(
    `\\b(FROM|JOIN|UPDATE|DELETE FROM|INSERT INTO)\\s+\\{\\{schema\\}\\}\\.(${USER_TABLE_RE})\\b(?:\\s+(?:AS\\s+)?(\\w+))?`,
    'gi',
  );
  for (const match of statement.matchAll(refs)) {
    const verb = (match[1] as string).toUpperCase();
    const table = match[2] as string;
    const maybeAlias = match[3]?.toLowerCase();
    const alias = maybeAlias && !KEYWORDS.has(maybeAlias) ? maybeAlias : undefined;
    if (verb === 'INSERT INTO') {
      const tableEnd = statement.indexOf(table, match.index) + table.length;
      const columns = /^\s*(?:AS\s+\w+\s*)?\(([^)]*)\)/i.exec(statement.slice(tableEnd));
      if (!columns || !/\buser_id\b/.test(columns[1] as string)) {
        problems.push(`INSERT INTO ${table} does not name user_id`);
      } else if (!/\$1\b|\bp_user_id\b|\b\w+\.user_id\b/.test(statement)) {
        problems.push(
          `INSERT INTO ${table} takes user_id from neither $1, p_user_id nor a row's user_id`,
        );
      }
      continue;
    }
    // Unqualified user_id counts: with two tables that have one, PostgreSQL refuses it as ambiguous.
    const qualifier = `(?:${alias ?? table}\\.)?`;
    const constrained = new RegExp(
      `(?<![\\w.])${qualifier}user_id\\s*=\\s*(?:\\$1\\b|p_user_id\\b|\\w+\\.user_id\\b)|` +
        `\\w+\\.user_id\\s*=\\s*${alias ? `${alias}\\.` : ''}user_id\\b`,
      'i',
    );
    if (!constrained.test(statement)) {
      problems.push(`${verb} ${table}${alias ? ` ${alias}` : ''} is not constrained by user_id`);
    }
  }
  return problems;
}

describe.skipIf(!inject('postgresAvailable'))('the schema is ready for Citus', () => {
  it('every primary and unique key of a user-data table leads with user_id', async () => {
    const rows = await sql<{ table: string; name: string; columns: string[] }[]>`
      SELECT c.relname AS table, i.relname AS name,
             array(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                    ORDER BY k.n) AS columns
        FROM pg_index x
        JOIN pg_class c ON c.oid = x.indrelid
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = ${schema} AND (x.indisunique OR x.indisprimary)
       ORDER BY 1, 2`;
    const tables = new Set(rows.map((row) => row.table));
    // Every table is accounted for: user data, reference, or bookkeeping.
    expect([...tables].sort()).toEqual(
      [...USER_TABLES, ...REFERENCE_TABLES, ...BOOKKEEPING_TABLES].sort(),
    );
    const gaps = rows
      .filter((row) => USER_TABLES.includes(row.table) && row.columns[0] !== 'user_id')
      .map((row) => `${row.table}.${row.name} (${row.columns.join(', ')})`);
    expect(gaps).toEqual(KNOWN_KEY_GAPS);
    // Each user table has a key at all, and the composite ones lead with user_id.
    for (const table of USER_TABLES) expect(tables).toContain(table);
    const messageKeys = rows.filter((r) => r.table === 'messages').map((r) => r.columns.join(','));
    expect(messageKeys.sort()).toEqual(['user_id,session_id,message_id', 'user_id,session_id,seq']);
  });

  it('every foreign key between user-data tables includes user_id', async () => {
    const rows = await sql<{ table: string; target: string; columns: string[] }[]>`
      SELECT c.relname AS table, t.relname AS target,
             array(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
                    ORDER BY u.n) AS columns
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_class t ON t.oid = k.confrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = ${schema} AND k.contype = 'f'`;
    const between = rows.filter(
      (r) => USER_TABLES.includes(r.table) && USER_TABLES.includes(r.target),
    );
    expect(between.length).toBeGreaterThanOrEqual(5);
    for (const fk of between) expect(fk.columns[0], `${fk.table} -> ${fk.target}`).toBe('user_id');
    // The one reference from user data to the catalogue: sessions.agent_id -> agents, which
    // Citus allows from a distributed table to a reference table.
    const toReference = rows.filter((r) => REFERENCE_TABLES.includes(r.target));
    expect(toReference.map((r) => `${r.table}.${r.columns.join(',')}`)).toEqual([
      'sessions.agent_id',
    ]);
  });

  it('the rule catches statements that cross users', () => {
    expect(
      crossUserProblems('SELECT * FROM {{schema}}.messages m WHERE m.session_id = $2'),
    ).toEqual(['FROM messages m is not constrained by user_id']);
    expect(
      crossUserProblems(
        'SELECT * FROM {{schema}}.sessions s JOIN {{schema}}.messages m ON m.session_id = s.session_id WHERE s.user_id = $1',
      ),
    ).toEqual(['JOIN messages m is not constrained by user_id']);
    expect(crossUserProblems('INSERT INTO {{schema}}.users (created_at) VALUES (now())')).toEqual([
      'INSERT INTO users does not name user_id',
    ]);
    expect(crossUserProblems('DELETE FROM {{schema}}.users WHERE user_id = $1')).toEqual([]);
  });

  it('every query keeps to one user, but the named sweeps', () => {
    const problems: Record<string, string[]> = {};
    for (const [name, text] of Object.entries(QUERIES)) {
      if (name in CROSS_USER_QUERIES) continue;
      const found = crossUserProblems(stripComments(text));
      if (found.length > 0) problems[name] = found;
    }
    expect(problems).toEqual({});
    // The exceptions are real: none of them names a user, or it would not need naming.
    for (const name of Object.keys(CROSS_USER_QUERIES)) {
      const text = QUERIES[name as keyof typeof QUERIES];
      expect(text, name).toBeDefined();
      expect(/user_id\s*=\s*\$1\b/.test(text), name).toBe(false);
    }
  });

  it('every stored function keeps to one user and takes it as p_user_id', () => {
    const problems: Record<string, string[]> = {};
    const seen: string[] = [];
    for (const file of Object.values(FUNCTION_FILES)) {
      for (const fn of functionStatements(file)) {
        seen.push(fn.name);
        if (fn.name in CROSS_USER_FUNCTIONS) continue;
        const found = fn.statements.flatMap(crossUserProblems);
        if (found.length > 0) problems[fn.name] = found;
      }
    }
    expect(problems).toEqual({});
    expect(seen).toContain('append_messages');
    expect(seen.length).toBeGreaterThanOrEqual(15);
  });

  it('every function that touches user data takes the user first, as p_user_id', async () => {
    // What create_distributed_function needs: the distribution argument, by name.
    const rows = await sql<{ name: string; args: string[] }[]>`
      SELECT p.proname AS name, coalesce(p.proargnames, '{}')::text[] AS args
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = ${schema}
       ORDER BY 1`;
    const notLed = rows
      .filter((row) => row.args[0] !== 'p_user_id')
      .map((row) => row.name)
      .sort();
    // session_json and apply_message_changes take a row that carries its user; append_batch a
    // batch (above); the usage rollup works on hours of every user. Everything else is called
    // with its user first.
    expect(notLed).toEqual(
      ['append_batch', 'apply_message_changes', 'session_json', ...USAGE_FUNCTIONS].sort(),
    );
    expect(rows.length - notLed.length).toBeGreaterThanOrEqual(12);
  });
});
