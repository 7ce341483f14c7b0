import { describe, expect, it } from 'vitest';
import { BusyError, createStore, type ConversationStore } from '../../src/index.js';
import { runCleanup } from '../../src/jobs/cleanup.js';
import { cleanupLockHeld } from './support/cleanup-lock.js';
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

/** Sessions `<tag>-0..n-1` of user `u`, two messages each, written in parallel chunks. */
async function fill(store: ConversationStore, tag: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${tag}-${i}`);
  for (let start = 0; start < ids.length; start += 100) {
    await Promise.all(
      ids.slice(start, start + 100).map((sessionId) =>
        store.append({
          userId: 'u',
          sessionId,
          messages: [
            { role: 'user', content: 'question' },
            { role: 'assistant', content: 'answer' },
          ],
        }),
      ),
    );
  }
  return ids;
}

async function expiredCount(schema: string): Promise<number> {
  const [row] = await admin.unsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM "${schema}".sessions WHERE expires_at <= now()`,
  );
  return row!.n;
}

describe.skipIf(!available())('cleanup', () => {
  it('races with appends: every expired session goes, nothing live or written meanwhile is lost', async () => {
    const schema = freshSchema();
    const expiring = await open(schema, 1);
    const live = await open(schema, 3600);
    const cleaner = await open(schema, 3600);
    const doomed = await fill(expiring, 'old', 600);
    const alive = await fill(live, 'live', 40);
    await expect.poll(() => expiredCount(schema), { timeout: 10_000 }).toBe(600);

    // While cleanup runs: appends to live sessions, and appends that revive 30 expired ones.
    const revived = doomed.filter((_, i) => i % 20 === 0);
    const appended = new Map<string, number>(alive.map((id) => [id, 2]));
    let cleaning = true;
    const writers = alive.map(async (sessionId) => {
      while (cleaning) {
        await live.append({
          userId: 'u',
          sessionId,
          messages: [{ role: 'user', content: 'more' }],
        });
        appended.set(sessionId, appended.get(sessionId)! + 1);
      }
    });
    const revivals = revived.map((sessionId) =>
      live.append({ userId: 'u', sessionId, messages: [{ role: 'user', content: 'back again' }] }),
    );
    const report = await runCleanup(cleaner, { batchSize: 10 }).finally(() => {
      cleaning = false;
    });
    await Promise.all([...writers, ...revivals]);

    // Each deleted session took its two messages; the revived ones were either reset by their
    // append before cleanup reached them, or deleted first and created again: never lost.
    expect(report.messages).toBe(report.sessions * 2);
    expect(report.sessions).toBeGreaterThanOrEqual(600 - revived.length);
    expect(report.sessions).toBeLessThanOrEqual(600);
    for (const sessionId of revived) {
      const history = await live.history({ userId: 'u', sessionId }).catch((error: unknown) => {
        throw new Error(`revived session ${sessionId} is gone`, { cause: error });
      });
      expect(history.map((m) => m.content)).toEqual(['back again']);
    }
    for (const sessionId of alive) {
      const session = await live.getSession({ userId: 'u', sessionId });
      expect(session?.messageCount).toBe(appended.get(sessionId));
    }
    const [left] = await admin.unsafe<{ sessions: number; messages: number }[]>(
      `SELECT (SELECT count(*)::int FROM "${schema}".sessions) AS sessions,
              (SELECT count(*)::int FROM "${schema}".messages WHERE session_id LIKE 'old-%') AS messages`,
    );
    expect(left).toEqual({ sessions: alive.length + revived.length, messages: revived.length });
    expect([...appended.values()].some((count) => count > 2)).toBe(true);
  });

  it('steps around a session a writer holds, neither waiting for it nor deleting it', async () => {
    const schema = freshSchema();
    const expiring = await open(schema, 1);
    const cleaner = await open(schema, null);
    await fill(expiring, 'old', 30);
    await expect.poll(() => expiredCount(schema), { timeout: 10_000 }).toBe(30);

    // A writer in the middle of its transaction on old-7: it has locked the row and is moving
    // its expiry, as an append does, but has not committed yet.
    const writer = await admin.reserve();
    onCleanup(async () => writer.release());
    await writer`BEGIN`;
    await writer.unsafe(
      `UPDATE "${schema}".sessions SET expires_at = now() + interval '1 hour'
        WHERE user_id = 'u' AND session_id = 'old-7'`,
    );
    // Cleanup finishes while the writer still holds the row (SKIP LOCKED: it does not wait)...
    expect(await runCleanup(cleaner, { batchSize: 4 })).toMatchObject({
      sessions: 29,
      messages: 58,
    });
    await writer`COMMIT`;
    // ...and the session the writer kept alive is still there, with its messages.
    const history = await cleaner.history({ userId: 'u', sessionId: 'old-7' });
    expect(history.map((m) => m.content)).toEqual(['question', 'answer']);
    expect(await expiredCount(schema)).toBe(0);
  });

  it('runs one at a time: a second cleanup while the first holds the lock gets BusyError', async () => {
    const schema = freshSchema();
    const expiring = await open(schema, 1);
    const first = await open(schema, null);
    const second = await open(schema, null);
    await fill(expiring, 'old', 50);
    await expect.poll(() => expiredCount(schema), { timeout: 10_000 }).toBe(50);

    // Hold the first runner up inside its first batch (our transaction locks the table), so it
    // surely holds the lock while the second one tries: the race is decided, not hoped for.
    const blocker = await admin.reserve();
    onCleanup(async () => blocker.release());
    await blocker`BEGIN`;
    await blocker.unsafe(`LOCK TABLE "${schema}".sessions IN EXCLUSIVE MODE`);
    const running = runCleanup(first, { batchSize: 10 });
    await expect.poll(() => cleanupLockHeld(schema), { timeout: 10_000 }).toBe(true);
    await expect(runCleanup(second)).rejects.toThrow(BusyError);
    await expect(runCleanup(second)).rejects.toThrow(/another cleanup is running/);
    expect(await expiredCount(schema)).toBe(50);

    await blocker`COMMIT`;
    expect(await running).toMatchObject({ sessions: 50, messages: 100 });
    expect(await cleanupLockHeld(schema)).toBe(false);
    // Once the first is done, the lock is free again.
    expect(await runCleanup(second)).toMatchObject({ sessions: 0, messages: 0 });
  });
});
