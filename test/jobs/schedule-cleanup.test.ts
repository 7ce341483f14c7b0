import { describe, expect, it } from 'vitest';
import { BusyError, createStore, type ConversationStore } from '../../src/index.js';
import { scheduleCleanup } from '../../src/jobs/schedule-cleanup.js';
import type { CleanupReport } from '../../src/jobs/cleanup.js';
import {
  admin,
  available,
  freshSchema,
  onCleanup,
  TEST_DATABASE_URL,
} from './support/job-fixtures.js';

async function open(schema: string, ttlSeconds: number | null): Promise<ConversationStore> {
  const store = await createStore({ url: TEST_DATABASE_URL, schema, migrate: true, ttlSeconds });
  onCleanup(() => store.close());
  return store;
}

describe('scheduleCleanup: settings', () => {
  it('refuses an interval or jitter that makes no sense', () => {
    const store = {} as ConversationStore;
    expect(() => scheduleCleanup(store, { intervalMs: 0 })).toThrow(RangeError);
    expect(() => scheduleCleanup(store, { intervalMs: Number.NaN })).toThrow(RangeError);
    expect(() => scheduleCleanup(store, { jitter: 1.5 })).toThrow(RangeError);
  });
});

describe.skipIf(!available())('scheduleCleanup', () => {
  it('cleans on every tick, keeps going after a busy tick, and stops when asked', async () => {
    const schema = freshSchema();
    const expiring = await open(schema, 1);
    const cleaner = await open(schema, null);
    const reports: CleanupReport[] = [];
    const busy: BusyError[] = [];
    const stop = scheduleCleanup(cleaner, {
      intervalMs: 20,
      jitter: 0.5,
      onResult: (report) => reports.push(report),
      onBusy: (error) => busy.push(error),
      onError: (error) => {
        throw error;
      },
    });
    onCleanup(stop);

    await expiring.append({
      userId: 'u',
      sessionId: 'a',
      messages: [{ role: 'user', content: 'x' }],
    });
    await expect
      .poll(() => reports.reduce((sum, report) => sum + report.sessions, 0), { timeout: 10_000 })
      .toBe(1);

    // Another runner holds the lock: ticks report busy and the schedule goes on.
    const other = await admin.reserve();
    const lock = `convstore:cleanup:${schema}`;
    await other`SELECT pg_advisory_lock(hashtext(${lock}))`;
    await expect.poll(() => busy.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(busy[0]).toBeInstanceOf(BusyError);
    await other`SELECT pg_advisory_unlock(hashtext(${lock}))`;
    other.release();

    await expiring.append({
      userId: 'u',
      sessionId: 'b',
      messages: [{ role: 'user', content: 'y' }],
    });
    await expect
      .poll(() => reports.reduce((sum, report) => sum + report.sessions, 0), { timeout: 10_000 })
      .toBe(2);

    await stop();
    const ticks = reports.length + busy.length;
    await expiring.append({
      userId: 'u',
      sessionId: 'c',
      messages: [{ role: 'user', content: 'z' }],
    });
    // Once stopped, no tick runs again: the session that expires now stays until cleanup runs.
    await expect
      .poll(
        async () => {
          const [row] = await admin.unsafe<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM "${schema}".sessions WHERE expires_at <= now()`,
          );
          return row!.n;
        },
        { timeout: 10_000 },
      )
      .toBe(1);
    expect(reports.length + busy.length).toBe(ticks);
  });
});
