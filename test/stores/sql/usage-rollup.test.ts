import { describe, expect, inject, it } from 'vitest';
import { createStore, type ConversationStore } from '../../../src/index.js';
import type { UsageGroup, UsageInput } from '../../../src/contract/usage.js';
import { runUsageRollup } from '../../../src/jobs/usage-rollup.js';
import { TEST_DATABASE_URL } from '../../support/servers.js';
import { sqlSubjects, type SqlKind, type SqlSubject } from './support/sql-subjects.js';

/**
 * The usage rollup (migration 0009, functions/10_usage_rollup.sql) against the live reading of
 * the same messages: reports from rolled-up hours must equal reports read live, in every
 * grouping and in whole-hour time zones; roll-ups are incremental, idempotent, rebuild a range,
 * pick up imports, and two at once do the work once.
 */
const subjects = sqlSubjects('rollup');

interface Subject extends SqlSubject {
  /** Runs SQL in the store's database (seeding, and edits no API makes). */
  exec: (text: string) => Promise<unknown>;
  count: (table: string) => Promise<number>;
}

async function open(kind: SqlKind): Promise<Subject> {
  const subject = await subjects.open(kind);
  const exec = (text: string) => subject.query(text);
  const count = async (table: string) => {
    const [row] = await subject.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM "${subject.schema}".${table}`,
    );
    return row!.n;
  };
  return { ...subject, exec, count };
}

/**
 * Five users, 40 sessions (three agents and none), 12 messages each, an hour and 7 minutes
 * apart from 2026-11-01 (so sessions cross hours and days), models, tokens and latencies on the
 * assistant messages, a tool message now and then.
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
           timestamptz '2026-11-01 00:00Z' + n * interval '97 minutes' + k * interval '67 minutes',
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

const GROUPINGS: UsageGroup[][] = [
  [],
  ['day'],
  ['day', 'model'],
  ['agent'],
  ['user'],
  ['day', 'agent', 'model', 'user'],
];
const ZONES = ['UTC', 'Europe/Lisbon', 'Asia/Tokyo', 'America/New_York'];

/**
 * Every report the comparison makes: each grouping, by day in four zones, odd ranges too. PGlite
 * (WebAssembly, slower) runs a few of them.
 */
function reports(kind: 'postgres' | 'pglite'): UsageInput[] {
  if (kind === 'pglite') {
    return [
      { from: FROM, to: TO, groupBy: ['day', 'model'], timeZone: 'Asia/Tokyo' },
      { from: FROM, to: TO, groupBy: ['agent', 'user'] },
      { from: '2026-11-01T10:17:00Z', to: '2026-11-02T13:41:00Z', groupBy: ['day'] },
    ];
  }
  const inputs: UsageInput[] = [];
  for (const groupBy of GROUPINGS) {
    for (const timeZone of groupBy.includes('day') ? ZONES : ['UTC']) {
      inputs.push({ from: FROM, to: TO, groupBy, timeZone });
    }
  }
  // Partial hours at both ends, one user, a range inside one hour.
  inputs.push({ from: '2026-11-01T10:17:00Z', to: '2026-11-02T13:41:00Z', groupBy: ['day'] });
  inputs.push({ userId: 'u3', from: FROM, to: TO, groupBy: ['day', 'model'] });
  inputs.push({ from: '2026-11-01T10:05:00Z', to: '2026-11-01T10:55:00Z', groupBy: ['user'] });
  return inputs;
}

async function allReports(store: ConversationStore, kind: 'postgres' | 'pglite' = 'postgres') {
  return Promise.all(reports(kind).map((input) => store.usage(input)));
}

// PGlite runs the same SQL: the contract suite (test/contract/usage.test.ts) rolls up there too.
const KINDS = ['postgres'] as const;

describe.skipIf(!inject('postgresAvailable'))('usage rollup', () => {
  for (const kind of KINDS) {
    it(`[${kind}] reports from rolled-up hours equal the live reading, in every zone`, async () => {
      const { store, schema, exec, count } = await open(kind);
      await exec(seedSql(schema));
      const live = await allReports(store, kind);
      const total = (await store.usage({ from: FROM, to: TO })).rows[0]!;
      expect(total.messages).toBe(480);

      const first = await runUsageRollup(store);
      expect(first.rows).toBeGreaterThan(0);
      expect(first.rolledUntil!.getTime()).toBeGreaterThan(TO.getTime());
      expect(await count('usage_hourly')).toBe(first.rows);
      expect(await allReports(store, kind)).toEqual(live);

      // The reports read the rollup: messages gone after their hours were rolled up stay in the
      // usage (usage is history), and the views say the same.
      await exec(`DELETE FROM "${schema}".messages WHERE session_id = 's7'`);
      expect(await allReports(store, kind)).toEqual(live);
      expect((await store.usage({ from: FROM, to: TO })).rows[0]).toEqual(total);
      const daily = (await exec(
        `SELECT sum(messages)::integer AS n FROM "${schema}".usage_daily`,
      )) as unknown;
      expect(JSON.stringify(daily)).toContain('480');
      await store.close();
    });
  }

  it('[postgres] agrees with an exact count over the messages, and percentiles within 10 %', async () => {
    const { store, schema, exec } = await open('postgres');
    await exec(seedSql(schema));
    await runUsageRollup(store);
    const { rows } = await store.usage({
      from: FROM,
      to: TO,
      groupBy: ['day', 'model'],
      timeZone: 'Asia/Tokyo',
    });
    const exact = (await exec(`
      SELECT to_char(date_trunc('day', m.created_at AT TIME ZONE 'Asia/Tokyo'), 'YYYY-MM-DD') AS day,
             m.model, count(*)::integer AS messages,
             count(DISTINCT m.session_id)::integer AS active_sessions,
             count(DISTINCT m.user_id)::integer AS active_users,
             coalesce(sum(m.input_tokens), 0)::integer AS input_tokens,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY m.latency_ms) AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY m.latency_ms) AS p95
        FROM "${schema}".messages m GROUP BY 1, 2 ORDER BY 1, 2`)) as Array<{
      day: string;
      model: string | null;
      messages: number;
      active_sessions: number;
      active_users: number;
      input_tokens: number;
      p50: number | null;
      p95: number | null;
    }>;
    expect(rows.length).toBe(exact.length);
    rows.forEach((row, i) => {
      const want = exact[i]!;
      expect([row.day, row.model]).toEqual([want.day, want.model]);
      expect([row.messages, row.activeSessions, row.activeUsers, row.inputTokens]).toEqual([
        want.messages,
        want.active_sessions,
        want.active_users,
        want.input_tokens,
      ]);
      if (want.p50 === null) expect(row.latencyP50Ms).toBeNull();
      else {
        expect(Math.abs(row.latencyP50Ms! - want.p50) / want.p50).toBeLessThan(0.1);
        expect(Math.abs(row.latencyP95Ms! - want.p95!) / want.p95!).toBeLessThan(0.1);
      }
    });
    await store.close();
  });

  it('[postgres] rolls up incrementally and idempotently; new messages are read live', async () => {
    const { store, schema, exec, count } = await open('postgres');
    await exec(seedSql(schema));
    const steps = await runUsageRollup(store, { hoursPerStep: 24 });
    const rows = await count('usage_hourly');
    const again = await runUsageRollup(store);
    expect([again.hours, again.dirtyHours, again.rows]).toEqual([0, 0, 0]);
    expect(again.rolledUntil).toEqual(steps.rolledUntil);
    expect(await count('usage_hourly')).toBe(rows);

    // An append now lands after the watermark: in the next report at once.
    const now = { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) };
    await store.append({
      userId: 'u1',
      sessionId: 'fresh',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect((await store.usage(now)).rows[0]!.messages).toBe(1);
    await store.close();
  });

  it('[postgres] rebuilds a range from the messages as they are now; imports mark hours dirty', async () => {
    const { store, schema, exec } = await open('postgres');
    await exec(seedSql(schema));
    await runUsageRollup(store);
    const day = { from: new Date('2026-11-02T00:00:00Z'), to: new Date('2026-11-03T00:00:00Z') };
    const before = (await store.usage(day)).rows[0]!;

    // An edit no roll-up sees (usage is history) until the range is rebuilt.
    const [edited] = (await exec(`
      WITH edited AS (
        UPDATE "${schema}".messages SET input_tokens = input_tokens + 1
         WHERE input_tokens IS NOT NULL
           AND created_at >= '2026-11-02T00:00Z' AND created_at < '2026-11-03T00:00Z'
        RETURNING 1)
      SELECT count(*)::integer AS n FROM edited`)) as Array<{ n: number }>;
    expect(edited!.n).toBeGreaterThan(0);
    expect((await store.usage(day)).rows[0]).toEqual(before);
    const rebuilt = await runUsageRollup(store, { rebuild: day });
    expect([rebuilt.marked, rebuilt.dirtyHours]).toEqual([24, 24]);
    const after = (await store.usage(day)).rows[0]!;
    expect(after.inputTokens).toBe(before.inputTokens + edited!.n);

    // An import into rolled-up hours: read live at once, rolled up again by the next run.
    const portability = store.capabilities.portability!;
    const [session] = await collect(portability.exportSessions({ userId: 'u2', sessionId: 's2' }));
    const messages = await store.history({ userId: 'u2', sessionId: 's2', limit: 100 });
    await portability.importSession({
      session: { ...session!, sessionId: 'imported' },
      messages,
    });
    const everything = { from: FROM, to: TO };
    expect((await store.usage(everything)).rows[0]!.messages).toBe(480 + 12);
    const next = await runUsageRollup(store);
    expect(next.dirtyHours).toBeGreaterThan(0);
    expect((await store.usage(everything)).rows[0]!.messages).toBe(480 + 12);
    await store.close();
  });

  it('[postgres] two roll-ups at once do the work once', async () => {
    const { store, schema, exec, count } = await open('postgres');
    await exec(seedSql(schema));
    const live = await allReports(store);
    const other = await createStore({ url: TEST_DATABASE_URL, schema, migrate: false });
    const [a, b] = await Promise.all([
      runUsageRollup(store, { hoursPerStep: 12 }),
      runUsageRollup(other, { hoursPerStep: 12 }),
    ]);
    expect(a.rolledUntil).toEqual(b.rolledUntil);
    const single = await count('usage_hourly');
    expect(a.rows + b.rows).toBe(single);
    expect(await allReports(store)).toEqual(live);
    await other.close();
    await store.close();
  });

  it('[postgres] erasing a user erases their usage rows', async () => {
    const { store, schema, exec, count } = await open('postgres');
    await exec(seedSql(schema));
    await runUsageRollup(store);
    const before = await count('usage_hourly');
    await store.deleteUser({ userId: 'u4' });
    expect(await count('usage_hourly')).toBeLessThan(before);
    const { rows } = await store.usage({ from: FROM, to: TO, groupBy: ['user'] });
    expect(rows.map((row) => row.userId)).toEqual(['u0', 'u1', 'u2', 'u3']);
    await store.close();
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
