import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/index.js';
import { runCleanup } from '../../src/jobs/cleanup.js';
import { cleanupLockHeld } from '../jobs/support/cleanup-lock.js';
import {
  admin,
  available,
  freshPrefix,
  freshSchema,
  onCleanup,
  TEST_DATABASE_URL,
  redisUrl,
  useRedisDatabase,
} from '../jobs/support/job-fixtures.js';
import { writeLangChainFixture } from '../jobs/support/langchain-fixture.js';
import { runCliProcess, startCli } from '../jobs/support/run-cli-process.js';

useRedisDatabase(13);

/** The real `convstore` process, as cron or an operator runs it. */
describe.skipIf(!available())('convstore as a process', () => {
  it('cleanup: two at once, the second (the CLI) exits 6 and says why, the first deletes everything', async () => {
    const schema = freshSchema();
    const store = await createStore({
      url: TEST_DATABASE_URL,
      schema,
      migrate: true,
      ttlSeconds: 1,
    });
    onCleanup(() => store.close());
    for (let i = 0; i < 20; i++) {
      await store.append({
        userId: 'u',
        sessionId: `s${i}`,
        messages: [{ role: 'user', content: 'x' }],
      });
    }
    await expect.poll(() => expired(schema), { timeout: 10_000 }).toBe(20);

    // A first cleanup that has taken the lock and is held up in its first batch: a transaction
    // of ours locks the sessions table, so the race is decided, not hoped for.
    const blocker = await admin.reserve();
    onCleanup(async () => blocker.release());
    await blocker`BEGIN`;
    await blocker.unsafe(`LOCK TABLE "${schema}".sessions IN EXCLUSIVE MODE`);
    const cleaner = await createStore({ url: TEST_DATABASE_URL, schema });
    onCleanup(() => cleaner.close());
    const first = runCleanup(cleaner);
    await expect.poll(() => cleanupLockHeld(schema), { timeout: 10_000 }).toBe(true);

    const busy = await runCliProcess(['cleanup', '--schema', schema], {
      DATABASE_URL: TEST_DATABASE_URL,
    });
    expect(busy.code).toBe(6);
    expect(busy.stderr).toMatch(/busy: another cleanup is running/);

    await blocker`COMMIT`;
    expect(await first).toMatchObject({ sessions: 20, messages: 20 });
    expect(await expired(schema)).toBe(0);

    // With the lock free again, the CLI runs (and finds nothing left).
    const done = await runCliProcess(['cleanup', '--schema', schema, '--json'], {
      DATABASE_URL: TEST_DATABASE_URL,
    });
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ sessions: 0, messages: 0 });
  });

  it('migrate-redis: killed halfway, run again, every message stored exactly once and verified', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const fixture = await writeLangChainFixture(prefix, 3000);
    const args = [
      'migrate-redis',
      '--format',
      'langchain',
      '--user',
      'dana',
      '--key-pattern',
      `${prefix}lc:*`,
      '--from',
      redisUrl(),
      '--to',
      TEST_DATABASE_URL,
      '--schema',
      schema,
    ];
    const first = startCli([...args, '--batch-size', '5']);
    onCleanup(async () => {
      first.child.kill('SIGKILL');
    });
    await expect
      .poll(() => sessionCount(schema), { timeout: 20_000, interval: 10 })
      .toBeGreaterThan(0);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stderr).toMatch(/migrating: 0\/\d+ sessions/);
    const partial = await sessionCount(schema);
    expect(partial).toBeLessThan(3000);

    const second = await runCliProcess([...args, '--verify', '--json']);
    // 9: the fixture's broken keys were reported and skipped; nothing else went wrong.
    expect(second.code).toBe(9);
    const summary = JSON.parse(second.stdout);
    expect(summary).toMatchObject({
      sessions: 3000,
      messages: fixture.messageCount,
      unreadable: fixture.malformedKeys.length,
      verification: { sessions: 3000, differences: 0 },
    });
    expect(summary.messagesInserted).toBeLessThan(fixture.messageCount);
    const [stored] = await admin.unsafe<{ n: number; distinct_seq: number }[]>(
      `SELECT count(*)::int AS n,
              count(DISTINCT (session_id, seq))::int AS distinct_seq
         FROM "${schema}".messages`,
    );
    expect(stored).toEqual({ n: fixture.messageCount, distinct_seq: fixture.messageCount });
    for (const key of fixture.malformedKeys) expect(second.stderr).toContain(key);

    // A changed row in the target: --verify fails the run with exit 8 and names the session.
    await admin.unsafe(
      `UPDATE "${schema}".messages SET metadata = '{"edited": true}' WHERE session_id = 's42' AND seq = 1`,
    );
    const third = await runCliProcess([...args, '--verify']);
    expect(third.code).toBe(8);
    expect(third.stdout).toMatch(/VERIFICATION FAILED: 1 of 3000 session\(s\) differ/);
    expect(third.stderr).toContain(`differs: ${prefix}lc:s42: content hash differs`);
  });
});

describe.skipIf(!available())('convstore migrate-redis and SIGINT', () => {
  it('stops between batches on SIGINT, says so, exits 130, and a re-run finishes the job', async () => {
    const [prefix, schema] = [freshPrefix(), freshSchema()];
    const fixture = await writeLangChainFixture(prefix, 2000);
    const args = [
      'migrate-redis',
      '--format',
      'langchain',
      '--user',
      'frank',
      '--key-pattern',
      `${prefix}lc:*`,
      '--from',
      redisUrl(),
      '--to',
      TEST_DATABASE_URL,
      '--schema',
      schema,
      '--json',
    ];
    const run = startCli([...args, '--batch-size', '5']);
    onCleanup(async () => {
      run.child.kill('SIGKILL');
    });
    await expect
      .poll(() => sessionCount(schema), { timeout: 20_000, interval: 10 })
      .toBeGreaterThan(0);
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.code).toBe(130);
    const summary = JSON.parse(stopped.stdout);
    expect(summary.interrupted).toBe(true);
    expect(summary.sessions).toBeLessThan(2000);
    // Everything it counted as migrated was committed: a stop never leaves half a batch.
    expect(await sessionCount(schema)).toBe(summary.sessions);

    const rest = await runCliProcess([...args, '--verify']);
    expect(JSON.parse(rest.stdout)).toMatchObject({
      interrupted: false,
      sessions: 2000,
      messages: fixture.messageCount,
      verification: { differences: 0 },
    });
  });
});

async function expired(schema: string): Promise<number> {
  const [row] = await admin.unsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM "${schema}".sessions WHERE expires_at <= now()`,
  );
  return row!.n;
}

/** Sessions the target holds so far (0 before the migration has created the schema). */
async function sessionCount(schema: string): Promise<number> {
  try {
    const [row] = await admin.unsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${schema}".sessions`,
    );
    return row!.n;
  } catch (error) {
    if (
      (error as { code?: string }).code === '42P01' ||
      (error as { code?: string }).code === '3F000'
    )
      return 0;
    throw error;
  }
}
