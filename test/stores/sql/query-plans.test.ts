import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createStore } from '../../../src/index.js';
import { QUERIES } from '../../../src/stores/sql/queries.generated.js';
import { TEST_DATABASE_URL } from '../../support/servers.js';

/**
 * Nothing on the hot path scans a table, whatever the planner knows: the plans are read as
 * generic plans (what prepared statements settle on) on tables that were never analysed, the
 * worst case of a fresh deployment.
 */
const schema = `${inject('runPrefix')}_plans_${process.pid}`;
const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });

beforeAll(async () => {
  if (!inject('postgresAvailable')) return;
  const store = await createStore({ url: TEST_DATABASE_URL, schema, migrate: true });
  await store.close();
  await sql.unsafe(`
    ALTER TABLE "${schema}".messages SET (autovacuum_enabled = false);
    ALTER TABLE "${schema}".sessions SET (autovacuum_enabled = false);
    INSERT INTO "${schema}".users VALUES ('u');
    INSERT INTO "${schema}".sessions (user_id, session_id, expires_at, last_seq, message_count)
    SELECT 'u', 's' || g, now() + interval '1 hour', 100, 100 FROM generate_series(1, 2000) g;
    INSERT INTO "${schema}".messages (user_id, session_id, seq, message_id, role, content)
    SELECT 'u', 's' || (g % 2000 + 1), g / 2000 + 1, 'm' || g, 'user', 'hello'
      FROM generate_series(0, 199999) g;
    SET plan_cache_mode = force_generic_plan;
  `);
});

afterAll(async () => {
  await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await sql.end({ timeout: 1 });
});

async function plan(query: string, args: string): Promise<string> {
  await sql.unsafe('DEALLOCATE ALL');
  await sql.unsafe(`PREPARE q AS ${query.replaceAll('{{schema}}', `"${schema}"`)}`);
  const rows = await sql.unsafe(`EXPLAIN EXECUTE q(${args})`);
  return rows.map((row) => row['QUERY PLAN'] as string).join('\n');
}

const json = `'[{"messageId":"m1","role":"user","content":"x","metadata":{}}]'`;

describe.skipIf(!inject('postgresAvailable'))('query plans on PostgreSQL', () => {
  it.each([
    // One call of append_messages (sql/functions/): its statements are planned inside it.
    ['append', QUERIES.append, `'u','s1',NULL,3600,100,${json}`, /Result/],
    [
      'history-newest',
      QUERIES.historyNewest,
      `'u','s1',50`,
      /Index Scan Backward using messages_pkey/,
    ],
    [
      'history-after',
      QUERIES.historyAfter,
      `'u','s1',10,NULL,50`,
      /Index Scan using messages_pkey/,
    ],
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
      'cleanup-batch',
      QUERIES.cleanupBatch,
      `500`,
      /Tid Scan[\s\S]*sessions_by_expiry|sessions_by_expiry[\s\S]*Tid Scan/,
    ],
  ])('%s uses its index and scans no table', async (_, query, args, expected) => {
    const text = await plan(query, args);
    expect(text).not.toMatch(/Seq Scan/);
    expect(text).toMatch(expected);
  });

  // A heavy user's first page needs the statistics autovacuum keeps: without them the planner
  // guesses a handful of sessions per user and sorts them all instead of reading the newest.
  it('list-sessions reads the newest sessions of a heavy user straight from the index', async () => {
    await sql.unsafe(`ANALYZE "${schema}".sessions`);
    const text = await plan(QUERIES.listSessions, `'u',51`);
    expect(text).not.toMatch(/Seq Scan|Sort/);
    expect(text).toMatch(/Index Scan Backward using sessions_by_activity/);
  });
});
