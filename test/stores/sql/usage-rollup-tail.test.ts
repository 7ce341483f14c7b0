import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createStore, UnsupportedError, type ConversationStore } from '../../../src/index.js';
import type { UsageInput } from '../../../src/contract/usage.js';
import { runUsageRollup } from '../../../src/jobs/usage-rollup.js';
import { scheduleUsageRollup } from '../../../src/jobs/schedule-usage-rollup.js';
import { TEST_REDIS_URL } from '../../support/servers.js';
import { sqlSubjects, type SqlKind, type SqlSubject } from './support/sql-subjects.js';
import { deleteKeysWithPrefix } from '../../support/redis-keys.js';

/**
 * The roll-up goes up to five minutes ago (functions/10_usage_rollup.sql): the hour its
 * watermark falls in is rolled up in part, and reports read live only what came after. Reports
 * must equal the live reading on both sides of that watermark, with a dirty hour the watermark
 * falls in, after the watermark stood earlier in the same hour, and when a write-behind flush
 * comes after the roll-up passed its messages' time.
 */
const subjects = sqlSubjects('rolltail');

/**
 * Three users, a session each, a message every 6 minutes over the last three hours up to now
 * (so some lie after the watermark), plus one at the very start of the hour the watermark falls
 * in (so that hour's partial row exists), tokens and latencies on the assistant messages.
 */
function seedRecentSql(schema: string): string {
  const s = `"${schema}"`;
  return `
    INSERT INTO ${s}.users (user_id) SELECT 'u' || u FROM generate_series(0, 2) u;
    INSERT INTO ${s}.sessions (user_id, session_id, created_at, last_seq, message_count)
    SELECT 'u' || n, 's' || n, now() - interval '3 hours', 31, 31 FROM generate_series(0, 2) n;
    INSERT INTO ${s}.messages (user_id, session_id, seq, message_id, role, content, created_at,
                               model, input_tokens, output_tokens, latency_ms)
    SELECT 'u' || n, 's' || n, k, 'm' || k, CASE WHEN k % 2 = 1 THEN 'user' ELSE 'assistant' END,
           'x',
           CASE WHEN k = 31 THEN ${s}.usage_hour(now() - interval '5 minutes')
                ELSE now() - interval '3 hours' + k * interval '6 minutes' END,
           CASE WHEN k % 2 = 0 THEN 'model-' || (k % 3) END,
           CASE WHEN k % 2 = 0 THEN 100 + n * k END,
           CASE WHEN k % 2 = 0 THEN 10 + k END,
           CASE WHEN k % 2 = 0 THEN 50 + (n * 37 + k * 101) % 3000 END
      FROM generate_series(0, 2) n, generate_series(1, 31) k;`;
}

function reports(): UsageInput[] {
  const from = new Date(Date.now() - 4 * 3_600_000);
  const to = new Date(Date.now() + 3_600_000);
  return [
    { from, to },
    { from, to, groupBy: ['day', 'model'], timeZone: 'Asia/Tokyo' },
    { from, to, groupBy: ['user'] },
    { from, to, groupBy: ['agent', 'model'] },
    { userId: 'u1', from, to, groupBy: ['model'] },
    // Ending inside the hour the watermark falls in, and starting in it.
    { from, to: new Date(Date.now() - 60_000), groupBy: ['model'] },
    { from: new Date(Date.now() - 20 * 60_000), to, groupBy: ['user'] },
  ];
}

const allReports = (store: ConversationStore) =>
  Promise.all(reports().map((input) => store.usage(input)));

async function watermark(subject: SqlSubject): Promise<Date> {
  const [row] = await subject.query<{ t: Date | string }>(
    `SELECT rolled_until AS t FROM "${subject.schema}".usage_rollup_state`,
  );
  return new Date(row!.t);
}

const KINDS: SqlKind[] = ['postgres', 'pglite'];

describe.skipIf(!inject('postgresAvailable'))('usage rollup up to five minutes ago', () => {
  for (const kind of KINDS) {
    it(`[${kind}] reports equal the live reading on both sides of a watermark inside an hour`, async () => {
      const subject = await subjects.open(kind);
      const { store, schema, query } = subject;
      await query(seedRecentSql(schema));
      const live = await allReports(store);
      expect(live[0]!.rows[0]!.messages).toBe(93);

      const before = Date.now();
      const report = await runUsageRollup(store);
      const mark = await watermark(subject);
      expect(report.rolledUntil).toEqual(mark);
      // Five minutes ago by the database's clock (this machine's, give or take a few seconds).
      expect(Math.abs(mark.getTime() - (before - 5 * 60_000))).toBeLessThan(15_000);
      const [partial] = await query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM "${schema}".usage_hourly
          WHERE hour = "${schema}".usage_hour(now() - interval '5 minutes')`,
      );
      expect(partial!.n).toBeGreaterThan(0);
      expect(await allReports(store)).toEqual(live);

      // An import into the hour the watermark falls in, before it: that hour is dirty, read live
      // up to the watermark (the time after it is read live already: nothing counts twice).
      const portability = store.capabilities.portability!;
      const [session] = await collect(
        portability.exportSessions({ userId: 'u2', sessionId: 's2' }),
      );
      const history = await store.history({ userId: 'u2', sessionId: 's2', limit: 100 });
      const early = history.filter((m) => m.createdAt.getTime() < mark.getTime());
      await portability.importSession({
        session: { ...session!, sessionId: 'copied' },
        messages: history,
      });
      const imported = await store.usage(reports()[0]!);
      expect(imported.rows[0]!.messages).toBe(93 + 31);
      const [dirty] = await query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM "${schema}".usage_dirty_hours`,
      );
      expect(dirty!.n).toBeGreaterThan(0);
      expect(early.length).toBeGreaterThan(0);
      const again = await runUsageRollup(store);
      expect(again.dirtyHours).toBe(dirty!.n);
      const withCopy = await allReports(store);
      expect(withCopy[0]).toEqual(imported);

      // The watermark stood earlier in the same hour (the previous tick): the next roll-up
      // rebuilds that hour from its start, and the reports stay the same.
      await query(
        `UPDATE "${schema}".usage_rollup_state
            SET rolled_until = greatest("${schema}".usage_hour(rolled_until),
                                        rolled_until - interval '20 minutes')`,
      );
      await query(`DELETE FROM "${schema}".usage_hourly WHERE hour >= (
                     SELECT rolled_until FROM "${schema}".usage_rollup_state)`);
      const rebuilt = await runUsageRollup(store);
      expect(rebuilt.rolledUntil!.getTime()).toBeGreaterThan(before - 6 * 60_000);
      expect(await allReports(store)).toEqual(withCopy);

      // Right after another, a roll-up has less than a minute to add: it does nothing.
      const idle = await runUsageRollup(store);
      expect([idle.hours, idle.dirtyHours, idle.rows]).toEqual([0, 0, 0]);
      await store.close();
    });
  }

  for (const kind of KINDS) {
    it(`[${kind}] a draft finalized with usage after the roll-up passed it is counted`, async () => {
      const subject = await subjects.open(kind);
      const { store, schema, query } = subject;
      const key = { userId: 'u', sessionId: 'stream' };
      const { message, lease } = await store.beginMessage({ ...key, content: '' });
      // The stream outlived the roll-up's margin: the roll-up ran past the draft's time.
      await runUsageRollup(store);
      await query(
        `UPDATE "${schema}".usage_rollup_state SET rolled_until = now() + interval '1 minute'`,
      );
      await store.finalizeMessage({
        ...key,
        messageId: message.messageId,
        lease,
        status: 'complete',
        content: 'done',
        usage: { model: 'm', inputTokens: 11, outputTokens: 5 },
      });
      const range = {
        from: new Date(Date.now() - 3_600_000),
        to: new Date(Date.now() + 3_600_000),
      };
      const { rows } = await store.usage({ ...range, groupBy: ['model'] });
      expect(rows.map((row) => [row.model, row.inputTokens, row.outputTokens])).toEqual([
        ['m', 11, 5],
      ]);
      // Rolled up again, it stays counted; the dirty mark is gone.
      await query(`UPDATE "${schema}".usage_rollup_state SET rolled_until = now()`);
      expect((await runUsageRollup(store)).dirtyHours).toBe(1);
      expect((await store.usage({ ...range, groupBy: ['model'] })).rows[0]!.inputTokens).toBe(11);
      await store.close();
    });
  }

  it('[postgres] rolls up on a schedule of its own, and refuses a store without a rollup', async () => {
    const subject = await subjects.open('postgres');
    const { store, schema, query } = subject;
    await query(seedRecentSql(schema));
    const rollups: number[] = [];
    const stop = scheduleUsageRollup(store, {
      intervalMs: 20,
      onRollup: (report) => rollups.push(report.rows),
      onError: (error) => {
        throw error;
      },
    });
    await expect.poll(() => rollups.length, { timeout: 10_000 }).toBeGreaterThan(1);
    await stop();
    // The first tick rolled the seed up; the ticks after it had nothing to add.
    expect(rollups[0]).toBeGreaterThan(0);
    expect(rollups.slice(1).every((rows) => rows === 0)).toBe(true);
    const ticks = rollups.length;
    expect(await watermark(subject)).toBeInstanceOf(Date);
    await store.close();
    expect(rollups.length).toBe(ticks);

    const redisStore = await createStore({ url: TEST_REDIS_URL, keyPrefix: `${schema}:` });
    expect(() => scheduleUsageRollup(redisStore)).toThrow(UnsupportedError);
    expect(() => scheduleUsageRollup(store, { intervalMs: 0 })).toThrow(RangeError);
    await redisStore.close();
  });
});

describe.skipIf(!inject('postgresAvailable') || !inject('redisAvailable'))(
  'usage rollup and a late write-behind flush',
  () => {
    const prefix = `${inject('runPrefix')}_rolltail_wb_${process.pid}:`;
    const redis = new Redis(TEST_REDIS_URL);
    afterAll(async () => {
      await deleteKeysWithPrefix(redis, prefix);
      await redis.quit();
    });

    it('[hybrid] a flush after the roll-up passed its messages marks their hour dirty', async () => {
      const subject = await subjects.open('postgres', {
        cache: {
          url: TEST_REDIS_URL,
          keyPrefix: prefix,
          writeMode: 'write-behind',
          flusher: false,
        },
      });
      const { store, schema, query } = subject;
      await store.append({
        userId: 'u',
        sessionId: 'late',
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a', usage: { model: 'm', inputTokens: 7 } },
        ],
      });
      // The flusher was down while a roll-up ran past these messages' time (the roll-up job
      // at a later now: its watermark stands in the future).
      await query(
        `UPDATE "${schema}".usage_rollup_state SET rolled_until = now() + interval '1 minute'`,
      );
      const range = {
        from: new Date(Date.now() - 3_600_000),
        to: new Date(Date.now() + 3_600_000),
      };
      // A report flushes first: the flush finds the hour rolled up and marks it dirty.
      const { rows } = await store.usage(range);
      expect([rows[0]!.messages, rows[0]!.inputTokens]).toEqual([2, 7]);
      const [dirty] = await query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM "${schema}".usage_dirty_hours`,
      );
      expect(dirty!.n).toBe(1);
      await store.close();
    });
  },
);

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
