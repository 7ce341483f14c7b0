import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createStore } from '../../../src/index.js';
import { QUERIES } from '../../../src/stores/sql/queries.generated.js';
import { TEST_DATABASE_URL } from '../../support/servers.js';

/**
 * A write reads the rows it changes, not the session's or the user's: counted, not timed. The
 * statements inside the stored functions are planned once per connection, and on a fresh
 * deployment (or on PGlite, which never gathers statistics) that plan is made on tables that were
 * never analysed, where every index that starts with the user looks as good as the right one.
 * Here the user holds 2,000 sessions of 100 messages, the tables were never analysed, and each
 * write runs first on its connection; the backend's own table counters
 * (pg_stat_xact_user_tables, read before and after inside a transaction that is rolled back)
 * count every message row fetched or scanned, foreign-key checks and functions included.
 */
const sql = postgres(TEST_DATABASE_URL, { max: 1, prepare: false, onnotice: () => {} });
const schema = `${inject('runPrefix')}_rowsread_${process.pid}`;
const SESSIONS = 2000;
const PER_SESSION = 100;

/** At most this many message rows per write: its own few, never a session's hundred. */
const BOUND = 10;

const message = (id: string) =>
  `'[{"messageId":"${id}","role":"user","content":"x","metadata":{},"fingerprint":"f"}]'`;

const WRITES: Array<[string, string, string]> = [
  [
    'append to a full session (a trim)',
    QUERIES.append,
    `'u','s7',NULL,3600,${PER_SESSION},${message('new-1')}`,
  ],
  ['append to a session with room', QUERIES.append, `'u','s8',NULL,3600,NULL,${message('new-2')}`],
  ['retried append', QUERIES.append, `'u','s9',NULL,3600,NULL,${message('m9-50')}`],
  ['pop', QUERIES.removeMessages, `'u','s10','newest',NULL,NULL,3600,NULL,NULL`],
  ['truncate after a seq', QUERIES.removeMessages, `'u','s11','after',98,NULL,3600,NULL,NULL`],
  [
    'truncate after a messageId',
    QUERIES.removeMessages,
    `'u','s12','after',NULL,NULL,3600,'m12-97',true`,
  ],
  [
    'delete by id',
    QUERIES.removeMessages,
    `'u','s13','ids',NULL,ARRAY['m13-5','m13-60'],3600,NULL,NULL`,
  ],
  ['update a message', QUERIES.updateMessage, `'u','s14','m14-40',NULL,'{"content":"y"}',3600`],
  // s1 opens a tool call in every message: deleting one deletes its calls, which must not read
  // the session's other calls.
  [
    'append trimming a message with calls',
    QUERIES.append,
    `'u','s1',NULL,3600,${PER_SESSION},${message('new-3')}`,
  ],
  [
    'pop a message with calls',
    QUERIES.removeMessages,
    `'u','s1','newest',NULL,NULL,3600,NULL,NULL`,
  ],
];

/** The same for tool_calls rows (the calls of the message deleted, at most a few). */
const TOOL_CALL_WRITES = new Set([
  'append trimming a message with calls',
  'pop a message with calls',
]);

describe.skipIf(!inject('postgresAvailable'))(
  'rows a write reads, on never-analysed tables',
  () => {
    beforeAll(async () => {
      const store = await createStore({ url: TEST_DATABASE_URL, schema, migrate: true });
      await store.close();
      await sql.unsafe(`
      ALTER TABLE "${schema}".messages SET (autovacuum_enabled = false);
      ALTER TABLE "${schema}".sessions SET (autovacuum_enabled = false);
      INSERT INTO "${schema}".users VALUES ('u');
      INSERT INTO "${schema}".sessions (user_id, session_id, expires_at, last_seq, message_count)
      SELECT 'u', 's' || g, now() + interval '1 hour', ${PER_SESSION}, ${PER_SESSION}
        FROM generate_series(1, ${SESSIONS}) g;
      INSERT INTO "${schema}".messages
             (user_id, session_id, seq, message_id, role, content, fingerprint)
      SELECT 'u', 's' || (g % ${SESSIONS} + 1), g / ${SESSIONS} + 1,
             'm' || (g % ${SESSIONS} + 1) || '-' || (g / ${SESSIONS} + 1), 'user', 'hello', 'f'
        FROM generate_series(0, ${SESSIONS * PER_SESSION - 1}) g;
      ALTER TABLE "${schema}".tool_calls SET (autovacuum_enabled = false);
      UPDATE "${schema}".messages SET tool_call_ids = ARRAY['call-' || seq]
       WHERE user_id = 'u' AND session_id = 's1';
      INSERT INTO "${schema}".tool_calls (user_id, session_id, call_id, seq)
      SELECT 'u', 's1', 'call-' || seq, seq FROM "${schema}".messages
       WHERE user_id = 'u' AND session_id = 's1';
    `);
    });

    afterAll(async () => {
      await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await sql.end({ timeout: 1 });
    });

    /** Rows of a table fetched through an index or read by a scan, by this backend so far. */
    async function rowsRead(table: 'messages' | 'tool_calls'): Promise<number> {
      const [row] = await sql<{ n: string }[]>`
      SELECT coalesce(idx_tup_fetch, 0) + seq_tup_read AS n
        FROM pg_stat_xact_user_tables
       WHERE schemaname = ${schema} AND relname = ${table}`;
      return Number(row?.n ?? 0);
    }

    it.each(WRITES)('%s', async (name, query, args) => {
      // A new connection each time: its plans are made now, on these tables, as on a fresh start.
      await sql.unsafe('DISCARD ALL');
      await sql.unsafe(`PREPARE q AS ${query.replaceAll('{{schema}}', `"${schema}"`)}`);
      await sql.unsafe('BEGIN');
      try {
        const before = await rowsRead('messages');
        const callsBefore = await rowsRead('tool_calls');
        const [result] = await sql.unsafe(`EXECUTE q(${args})`);
        expect(result).toBeDefined();
        const read = (await rowsRead('messages')) - before;
        expect(read).toBeGreaterThanOrEqual(0);
        expect(read).toBeLessThanOrEqual(BOUND);
        if (TOOL_CALL_WRITES.has(name)) {
          const callsRead = (await rowsRead('tool_calls')) - callsBefore;
          expect(callsRead).toBeLessThanOrEqual(BOUND);
          const [{ calls }] = await sql.unsafe<[{ calls: string }]>(
            `SELECT count(*) AS calls FROM "${schema}".tool_calls WHERE session_id = 's1'`,
          );
          // The trimmed or popped message's call went; its neighbours' calls stayed, unread.
          expect(Number(calls)).toBe(PER_SESSION - 1);
        }
      } finally {
        await sql.unsafe('ROLLBACK');
        await sql.unsafe('DEALLOCATE ALL');
      }
    });

    it('deleting a session reads its messages and calls once each, not calls per message', async () => {
      await sql.unsafe('DISCARD ALL');
      await sql.unsafe(
        `PREPARE q AS ${QUERIES.deleteSession.replaceAll('{{schema}}', `"${schema}"`)}`,
      );
      await sql.unsafe('BEGIN');
      try {
        const before = [await rowsRead('messages'), await rowsRead('tool_calls')];
        await sql.unsafe(`EXECUTE q('u','s1')`);
        const after = [await rowsRead('messages'), await rowsRead('tool_calls')];
        const [{ left }] = await sql.unsafe<[{ left: string }]>(
          `SELECT count(*) AS left FROM "${schema}".tool_calls WHERE session_id = 's1'`,
        );
        expect(Number(left)).toBe(0);
        // 0005's cascade (from each message) read all 100 calls for each of the 100 messages:
        // 10,000; since 0012 one cascade from the session reads them once.
        expect(after[0]! - before[0]!).toBeLessThanOrEqual(PER_SESSION + BOUND);
        expect(after[1]! - before[1]!).toBeLessThanOrEqual(PER_SESSION + BOUND);
      } finally {
        await sql.unsafe('ROLLBACK');
        await sql.unsafe('DEALLOCATE ALL');
      }
    });
  },
);
