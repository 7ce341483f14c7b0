import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/index.js';
import {
  admin,
  available,
  freshPrefix,
  freshSchema,
  onCleanup,
  redis,
  redisUrl,
  TEST_DATABASE_URL,
  useRedisDatabase,
} from '../jobs/support/job-fixtures.js';
import { runCliProcess, startCli } from '../jobs/support/run-cli-process.js';

useRedisDatabase(9);

const USERS = 8;
const PER_SESSION = 300;

/** The paths that matter most: the embedded default moving to a PostgreSQL server, a cache warmed. */
describe.skipIf(!available())('convstore copy', () => {
  it('survives a kill midway: the re-run skips what was copied, stores the rest once, verifies', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convstore-copy-'));
    onCleanup(() => rm(dir, { recursive: true, force: true }));
    const source = await createStore({ url: `pglite://${dir}` });
    for (let u = 0; u < USERS; u++) {
      for (let batch = 0; batch < PER_SESSION / 100; batch++) {
        await source.append({
          userId: `u${u}`,
          sessionId: 'chat',
          messages: Array.from({ length: 100 }, (_, i) => ({
            role: i % 2 ? ('assistant' as const) : ('user' as const),
            content: `u${u} message ${batch * 100 + i} ação`,
            metadata: { i, nested: { b: [1, 2] } },
          })),
        });
      }
    }
    await source.close();

    const schema = freshSchema();
    const target = await createStore({ url: TEST_DATABASE_URL, schema, migrate: true });
    onCleanup(() => target.close());

    // Hold the copy at the fifth user: an uncommitted row of ours with that user's key makes the
    // copy's insert wait for us. Four sessions are then committed and the fifth is not.
    const blocker = await admin.reserve();
    onCleanup(async () => blocker.release());
    await blocker`BEGIN`;
    await blocker.unsafe(`INSERT INTO "${schema}".users (user_id) VALUES ('u4')`);

    const args = ['copy', '--from', `pglite://${dir}`, '--to', TEST_DATABASE_URL];
    const first = startCli([...args, '--to-schema', schema]);
    await expect.poll(() => waitingOnUs(blocker), { timeout: 60_000, interval: 100 }).toBe(true);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    await blocker`ROLLBACK`;
    expect(await count(schema, 'sessions')).toBe(4);
    expect(await count(schema, 'messages')).toBe(4 * PER_SESSION);

    const resumed = await runCliProcess([...args, '--to-schema', schema, '--verify', '--json']);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      sessions: USERS,
      messages: USERS * PER_SESSION,
      inserted: (USERS - 4) * PER_SESSION,
      skipped: 4,
      verification: { sessions: USERS, differences: 0 },
    });
    expect(resumed.stderr).toMatch(/migrating: 8\/8 sessions/);
    expect(await count(schema, 'messages')).toBe(USERS * PER_SESSION);
    const history = await target.history({ userId: 'u7', sessionId: 'chat', last: 1 });
    expect(history[0]).toMatchObject({ seq: PER_SESSION, content: `u7 message 299 ação` });
  }, 240_000);

  it('warms a redis cache from postgres: verified, keys expiring by --ttl, a re-run stores nothing', async () => {
    const schema = freshSchema();
    const source = await createStore({ url: TEST_DATABASE_URL, schema, migrate: true });
    onCleanup(() => source.close());
    for (const userId of ['ana', 'rui']) {
      await source.append({
        userId,
        sessionId: 'chat',
        messages: [
          { role: 'user', content: 'olá', data: '{"parts":[{"t":"x"}],"z":1.50}' },
          { role: 'assistant', content: 'oi', usage: { model: 'm', outputTokens: 2 } },
        ],
      });
    }
    const prefix = freshPrefix();
    const args = ['copy', '--from', TEST_DATABASE_URL, '--from-schema', schema];
    const to = ['--to', redisUrl(), '--to-key-prefix', prefix, '--ttl', '600'];
    const first = await runCliProcess([...args, ...to, '--verify', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      sessions: 2,
      inserted: 4,
      verification: { sessions: 2, differences: 0 },
    });
    const ttl = await redis().pttl(`${prefix}{ana}:log:chat`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600_000);
    const again = await runCliProcess([...args, ...to, '--verify', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ inserted: 0, skipped: 2 });
  }, 60_000);

  it('refuses an unknown store URL with a usage error that says why', async () => {
    const run = await runCliProcess(['copy', '--from', 'nope://x', '--to', 'pglite://memory']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/invalid_input: url: must start with/);
  });
});

/** Whether a backend waits for the lock our open transaction holds. */
async function waitingOnUs(blocker: { unsafe: typeof admin.unsafe }): Promise<boolean> {
  const [row] = await blocker.unsafe(
    `SELECT count(*)::int AS waiting FROM pg_locks
      WHERE NOT granted AND locktype = 'transactionid'
        AND transactionid = (SELECT transactionid FROM pg_locks
                              WHERE pid = pg_backend_pid() AND locktype = 'transactionid'
                                AND granted LIMIT 1)`,
  );
  return Number(row?.waiting ?? 0) > 0;
}

async function count(schema: string, table: string): Promise<number> {
  const [row] = await admin.unsafe(`SELECT count(*)::int AS n FROM "${schema}".${table}`);
  return Number(row?.n);
}
