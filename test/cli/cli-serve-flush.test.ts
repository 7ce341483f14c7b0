import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/index.js';
import {
  admin,
  available,
  freshPrefix,
  freshSchema,
  onCleanup,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
} from '../jobs/support/job-fixtures.js';
import { runCliProcess, startCli } from '../jobs/support/run-cli-process.js';

describe.skipIf(!available())('convstore serve and flush as processes', () => {
  it('serve: flags override the environment, it answers, and SIGTERM stops it cleanly', async () => {
    const schema = freshSchema();
    const serve = startCli(
      ['serve', '--port', '0', '--schema', schema, '--migrate', 'true', '--log-level', 'silent'],
      // The environment says otherwise; the flags win.
      { DATABASE_URL: TEST_DATABASE_URL, CONVSTORE_SCHEMA: 'not_this_one', PORT: '1' },
    );
    onCleanup(async () => {
      serve.child.kill('SIGKILL');
    });
    await expect
      .poll(() => serve.output().stdout, { timeout: 20_000 })
      .toMatch(/serving postgres at http:\/\/127\.0\.0\.1:\d+/);
    const url = /serving postgres at (http:\/\/[\d.:]+)/.exec(serve.output().stdout)![1]!;
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    const [tables] = await admin.unsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1`,
      [schema],
    );
    expect(tables!.n).toBeGreaterThan(0);

    serve.child.kill('SIGTERM');
    const stopped = await serve.done;
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toMatch(/stopped/);
  });

  it('serve: a bad setting is refused at start with exit 2, naming the variable', async () => {
    const run = await runCliProcess(['serve', '--port', '99999']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /--port <port>' argument '99999' is invalid\. must be at most 65535/,
    );
    const fromEnv = await runCliProcess(['serve'], { PORT: '99999' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toMatch(/PORT: must be at most 65535/);
  });

  it('flush --once: writes what write-behind queued in Redis into PostgreSQL, then exits', async () => {
    const [schema, prefix] = [freshSchema(), freshPrefix()];
    const store = await createStore({
      url: TEST_DATABASE_URL,
      schema,
      migrate: true,
      cache: { url: TEST_REDIS_URL, keyPrefix: prefix, writeMode: 'write-behind', flusher: false },
    });
    onCleanup(() => store.close());
    for (let i = 0; i < 5; i++) {
      await store.append({
        userId: 'erin',
        sessionId: 'queued',
        messages: [{ role: 'user', content: `message ${i}` }],
      });
    }
    expect(await storedMessages(schema)).toBe(0);

    const run = await runCliProcess([
      'flush',
      '--once',
      '--json',
      '--url',
      TEST_DATABASE_URL,
      '--redis-url',
      TEST_REDIS_URL,
      '--schema',
      schema,
      '--key-prefix',
      prefix,
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ flushed: 5, failures: 0 });
    expect(await storedMessages(schema)).toBe(5);
  });
});

async function storedMessages(schema: string): Promise<number> {
  const [row] = await admin.unsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM "${schema}".messages`,
  );
  return row!.n;
}
