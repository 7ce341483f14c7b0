import { describe, expect, inject, it } from 'vitest';
import { createStore } from '../../../src/index.js';
import type { UsageGroup, UsageInput, UsageRow } from '../../../src/contract/usage.js';
import { resolveUsageInput } from '../../../src/contract/usage.js';
import { runUsageRollup } from '../../../src/jobs/usage-rollup.js';
import { QUERIES } from '../../../src/stores/sql/queries.generated.js';
import { quoteSchema, renderSql } from '../../../src/stores/sql/schema-name.js';
import {
  usageParams,
  usageRowFromSql,
  type UsageSqlRow,
} from '../../../src/stores/sql/usage-rows.js';
import { TEST_DATABASE_URL } from '../../support/servers.js';
import { sqlSubjects, type SqlKind, type SqlSubject } from './support/sql-subjects.js';

/**
 * The user-less rollup level (migration 0010, functions/12_usage_totals.sql) that everyone-
 * reports read: equal to the per-user level summed (sums and percentiles exactly; distinct
 * counts exactly on small data, within the documented bound on large), filled by the same
 * roll-up, read for closed hours with the hours after the watermark live, and emptied of an
 * erased user. On PostgreSQL and PGlite (the same SQL).
 */
const { open } = sqlSubjects('totals');

type Kind = SqlKind;
type Subject = SqlSubject;

/**
 * Five users, 40 sessions (three agents and none), 12 messages each, 67 minutes apart (so
 * sessions cross hours and days), each session created with its first message (as an append
 * creates it), models, tokens and latencies on the assistant messages, a tool message now and
 * then.
 */
function seedSql(schema: string): string {
  const s = `"${schema}"`;
  return `
    INSERT INTO ${s}.users (user_id) SELECT 'u' || u FROM generate_series(0, 4) u;
    INSERT INTO ${s}.agents (agent_id) VALUES ('a0'), ('a1'), ('a2');
    INSERT INTO ${s}.sessions (user_id, session_id, agent_id, created_at, last_seq, message_count)
    SELECT 'u' || (n % 5), 's' || n, CASE WHEN n % 4 < 3 THEN 'a' || (n % 4) END,
           timestamptz '2026-11-01 00:00Z' + n * interval '97 minutes', 12, 12
      FROM generate_series(0, 39) n;
    INSERT INTO ${s}.messages (user_id, session_id, seq, message_id, role, content, created_at,
                               model, input_tokens, output_tokens, reasoning_tokens,
                               cached_input_tokens, latency_ms)
    SELECT 'u' || (n % 5), 's' || n, k, 'm' || k,
           CASE WHEN k % 5 = 0 THEN 'tool' WHEN k % 2 = 1 THEN 'user' ELSE 'assistant' END,
           'x',
           timestamptz '2026-11-01 00:00Z' + n * interval '97 minutes'
             + (k - 1) * interval '67 minutes',
           CASE WHEN k % 2 = 0 THEN 'model-' || ((n + k) % 3) END,
           CASE WHEN k % 2 = 0 THEN 100 + n * k END,
           CASE WHEN k % 2 = 0 THEN 10 + k END,
           CASE WHEN k % 4 = 0 THEN k END,
           CASE WHEN k % 6 = 0 THEN 5 END,
           CASE WHEN k % 2 = 0 THEN 50 + (n * 37 + k * 101) % 3000 END
      FROM generate_series(0, 39) n, generate_series(1, 12) k;`;
}

const FROM = new Date('2026-10-31T00:00:00Z');
const TO = new Date('2026-11-06T00:00:00Z');

/** Everyone-reports: every grouping without the user, by day in three zones, a partial range. */
function everyoneReports(kind: Kind): UsageInput[] {
  const groupings: UsageGroup[][] = [[], ['day'], ['model'], ['agent'], ['day', 'agent', 'model']];
  const zones = kind === 'pglite' ? ['Asia/Tokyo'] : ['UTC', 'Europe/Lisbon', 'Asia/Tokyo'];
  const inputs: UsageInput[] = [];
  for (const groupBy of kind === 'pglite' ? [[], ['day', 'model'] as UsageGroup[]] : groupings) {
    for (const timeZone of groupBy.includes('day') ? zones : ['UTC']) {
      inputs.push({ from: FROM, to: TO, groupBy, timeZone });
    }
  }
  inputs.push({ from: '2026-11-01T10:17:00Z', to: '2026-11-02T13:41:00Z', groupBy: ['day'] });
  return inputs;
}

/** The same report read from the per-user level (usage.sql), as before level 2 existed. */
async function perUserLevel(subject: Subject, input: UsageInput): Promise<UsageRow[]> {
  const resolved = resolveUsageInput(input);
  const text = renderSql(QUERIES.usage, quoteSchema(subject.schema));
  const rows = await subject.query<UsageSqlRow>(text, usageParams(resolved));
  return rows.map((row) => usageRowFromSql(row, resolved));
}

/** Rows as compared across levels: by model, `sessions` differs by definition (README). */
function comparable(input: UsageInput, rows: UsageRow[]): Array<Partial<UsageRow>> {
  if (!input.groupBy?.includes('model')) return rows;
  return rows.map(({ sessions: _sessions, ...rest }) => rest);
}

async function countDistinctHours(subject: Subject): Promise<number> {
  const [row] = await subject.query<{ n: number }>(
    `SELECT count(DISTINCT hour)::integer AS n FROM "${subject.schema}".usage_hourly`,
  );
  return row!.n;
}

async function countRows(subject: Subject, table: string): Promise<number> {
  const [row] = await subject.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM "${subject.schema}".${table}`,
  );
  return row!.n;
}

describe.skipIf(!inject('postgresAvailable'))('usage totals (level 2)', () => {
  for (const kind of ['postgres', 'pglite'] as const) {
    it(`[${kind}] everyone-reports equal the per-user level, read live and rolled up`, async () => {
      const subject = await open(kind);
      await subject.query(seedSql(subject.schema));
      const inputs = everyoneReports(kind);
      const exact = await Promise.all(inputs.map((input) => perUserLevel(subject, input)));
      expect(exact[0]![0]!.messages).toBe(480);
      // Small data: every distinct count is exact (no two elements share a sketch bit here).
      // By model, a session counts as started under the models of its creation hour only.
      const want = exact.map((rows, i) => comparable(inputs[i]!, rows));
      const live = await Promise.all(inputs.map((input) => subject.store.usage(input)));
      expect(live.map((report, i) => comparable(inputs[i]!, report.rows))).toEqual(want);

      await runUsageRollup(subject.store);
      expect(await countRows(subject, 'usage_hourly_totals')).toBeGreaterThan(0);
      const [sums] = await subject.query<{ level1: number; level2: number }>(
        `SELECT (SELECT sum(messages)::integer FROM "${subject.schema}".usage_hourly) AS level1,
                (SELECT sum(messages)::integer FROM "${subject.schema}".usage_hourly_totals)
                  AS level2`,
      );
      expect(sums).toEqual({ level1: 480, level2: 480 });
      const rolled = await Promise.all(inputs.map((input) => subject.store.usage(input)));
      expect(rolled.map((report) => report.rows)).toEqual(live.map((report) => report.rows));
      expect(rolled.map((report, i) => comparable(inputs[i]!, report.rows))).toEqual(want);
      // Every session's first message (a user message, no model) is in its creation hour.
      const byModel = rolled[inputs.findIndex((input) => input.groupBy?.join() === 'model')];
      if (byModel) {
        expect(byModel.rows.map((row) => [row.model, row.sessions])).toEqual([
          ['model-0', 0],
          ['model-1', 0],
          ['model-2', 0],
          [null, 40],
        ]);
      }
      await subject.store.close();
    });
  }

  it('[postgres] reads level 2 for everyone, level 1 for a user and by user', async () => {
    const subject = await open('postgres');
    await subject.query(seedSql(subject.schema));
    await runUsageRollup(subject.store);
    const everyone = { from: FROM, to: TO };
    const before = (await subject.store.usage(everyone)).rows[0]!;
    const byUser = await subject.store.usage({ ...everyone, groupBy: ['user'] });
    const alone = await subject.store.usage({ ...everyone, userId: 'u1' });
    // Tampering with level 2 shows which level each report reads.
    await subject.query(
      `UPDATE "${subject.schema}".usage_hourly_totals SET messages = messages + 1000
        WHERE hour = (SELECT min(hour) FROM "${subject.schema}".usage_hourly_totals)`,
    );
    expect((await subject.store.usage(everyone)).rows[0]!.messages).toBe(before.messages + 1000);
    expect(await subject.store.usage({ ...everyone, groupBy: ['user'] })).toEqual(byUser);
    expect(await subject.store.usage({ ...everyone, userId: 'u1' })).toEqual(alone);
    await subject.store.close();
  });

  it('[postgres] the hours after the watermark and dirty hours are read live', async () => {
    const subject = await open('postgres');
    await subject.query(seedSql(subject.schema));
    const rolled = await runUsageRollup(subject.store);
    expect(rolled.rolledUntil!.getTime()).toBeGreaterThan(TO.getTime());
    const now = { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) };
    expect((await subject.store.usage(now)).rows).toEqual([]);

    await subject.store.append({
      userId: 'u1',
      sessionId: 'fresh',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello', usage: { model: 'm', latencyMs: 120 } },
      ],
    });
    const [tail] = (await subject.store.usage(now)).rows;
    expect([tail!.messages, tail!.sessions, tail!.activeSessions, tail!.activeUsers]).toEqual([
      2, 1, 1, 1,
    ]);
    expect(tail).toEqual((await perUserLevel(subject, now))[0]);

    // A rebuild marks hours dirty: read live (as level 1 reads them) until rolled up again.
    const day = { from: new Date('2026-11-02T00:00:00Z'), to: new Date('2026-11-03T00:00:00Z') };
    const clean = await subject.store.usage(day);
    await subject.query(
      `UPDATE "${subject.schema}".messages SET input_tokens = input_tokens + 1
        WHERE input_tokens IS NOT NULL
          AND created_at >= '2026-11-02T00:00Z' AND created_at < '2026-11-03T00:00Z'`,
    );
    expect(await subject.store.usage(day)).toEqual(clean);
    await subject.query(
      `INSERT INTO "${subject.schema}".usage_dirty_hours (hour)
       SELECT generate_series(timestamptz '2026-11-02T00:00Z', '2026-11-02T23:00Z', '1 hour')`,
    );
    const dirty = (await subject.store.usage(day)).rows[0]!;
    expect(dirty.inputTokens).toBeGreaterThan(clean.rows[0]!.inputTokens);
    expect(dirty).toEqual((await perUserLevel(subject, day))[0]);
    const again = await runUsageRollup(subject.store);
    expect(again.dirtyHours).toBe(24);
    expect((await subject.store.usage(day)).rows[0]).toEqual(dirty);
    await subject.store.close();
  });

  it('[postgres] erasing a user takes them out of everyone-reports at once', async () => {
    const subject = await open('postgres');
    await subject.query(seedSql(subject.schema));
    await runUsageRollup(subject.store);
    const everyone: UsageInput = { from: FROM, to: TO, groupBy: ['day'] };
    await subject.store.deleteUser({ userId: 'u4' });
    expect(await countRows(subject, 'usage_dirty_hours')).toBeGreaterThan(0);
    const after = await subject.store.usage(everyone);
    expect(after.rows).toEqual(await perUserLevel(subject, everyone));
    expect(after.rows.reduce((sum, row) => sum + row.messages, 0)).toBe(480 - 8 * 12);
    expect(Math.max(...after.rows.map((row) => row.activeUsers))).toBe(4);
    await runUsageRollup(subject.store);
    expect(await countRows(subject, 'usage_dirty_hours')).toBe(0);
    expect(await subject.store.usage(everyone)).toEqual(after);
    await subject.store.close();
  });

  it('[postgres] a schema rolled up before 0010 reads live until the next roll-up fills it', async () => {
    const subject = await open('postgres');
    const q = `"${subject.schema}"`;
    await subject.query(seedSql(subject.schema));
    await runUsageRollup(subject.store);
    const everyone: UsageInput = { from: FROM, to: TO, groupBy: ['day', 'agent'] };
    const exact = await perUserLevel(subject, everyone);
    await subject.store.close();
    // Back to where the code before 0010 left the schema: rolled up, no user-less level.
    await subject.query(
      `DROP TABLE ${q}.usage_hourly_totals CASCADE;
       DELETE FROM ${q}.schema_migrations WHERE version >= 10;
       DELETE FROM ${q}.schema_migrations_functions WHERE name LIKE '12_%';`,
    );
    const rolledHours = await countDistinctHours(subject);
    const store = await createStore({
      url: TEST_DATABASE_URL,
      schema: subject.schema,
      migrate: true,
    });
    expect(await countRows(subject, 'usage_dirty_hours')).toBe(rolledHours);
    expect((await store.usage(everyone)).rows).toEqual(exact);
    const next = await runUsageRollup(store);
    expect(next.dirtyHours).toBe(rolledHours);
    expect(await countRows(subject, 'usage_dirty_hours')).toBe(0);
    expect(await countRows(subject, 'usage_hourly_totals')).toBeGreaterThan(0);
    expect((await store.usage(everyone)).rows).toEqual(exact);
    await store.close();
  });

  it('[postgres] distinct counts stay within 5 % at tens of thousands', async () => {
    const subject = await open('postgres');
    const s = `"${subject.schema}"`;
    // 30,000 sessions of 3,000 users, two messages each, in 48 hours well before now.
    await subject.query(`
      INSERT INTO ${s}.users (user_id) SELECT 'u' || u FROM generate_series(0, 2999) u;
      INSERT INTO ${s}.sessions (user_id, session_id, created_at, last_seq, message_count)
      SELECT 'u' || (n % 3000), 's' || n,
             timestamptz '2026-11-01 00:00Z' + (n % 48) * interval '1 hour', 2, 2
        FROM generate_series(0, 29999) n;
      INSERT INTO ${s}.messages (user_id, session_id, seq, message_id, role, content, created_at,
                                 model)
      SELECT 'u' || (n % 3000), 's' || n, k, 'm' || k, 'user', 'x',
             timestamptz '2026-11-01 00:00Z' + (n % 48) * interval '1 hour'
               + k * interval '1 minute',
             'model-' || (n % 2)
        FROM generate_series(0, 29999) n, generate_series(1, 2) k;`);
    await runUsageRollup(subject.store);
    const input: UsageInput = { from: FROM, to: TO, groupBy: ['model'] };
    const estimated = (await subject.store.usage(input)).rows;
    const exact = await perUserLevel(subject, input);
    expect(exact.map((row) => row.activeSessions)).toEqual([15_000, 15_000]);
    expect(estimated.map((row) => row.messages)).toEqual([30_000, 30_000]);
    estimated.forEach((row, i) => {
      const want = exact[i]!;
      for (const key of ['sessions', 'activeSessions', 'activeUsers'] as const) {
        expect(Math.abs(row[key] - want[key]) / want[key]).toBeLessThan(0.05);
      }
    });
    await subject.store.close();
  });
});
