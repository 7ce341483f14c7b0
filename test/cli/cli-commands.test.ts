import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../src/index.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { createStore } from '../../src/index.js';
import {
  admin,
  available,
  freshPrefix,
  freshSchema,
  onCleanup,
  redisUrl,
  TEST_DATABASE_URL,
  useRedisDatabase,
} from '../jobs/support/job-fixtures.js';
import { cli } from './capture.js';

useRedisDatabase(14);

const COMMANDS = [
  [[]],
  [['db']],
  [['db', 'migrate']],
  [['db', 'status']],
  [['cleanup']],
  [['migrate-redis']],
  [['serve']],
  [['flush']],
];

describe('convstore CLI: parsing', () => {
  it.each(COMMANDS)('prints help for %j + --help and exits 0', async (command: string[]) => {
    const { code, stdout } = await cli(...command, '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: convstore/);
    expect(stdout).toContain('--help');
  });

  it('prints its version', async () => {
    const { code, stdout } = await cli('--version');
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('hands bench its own flags: --help prints its usage, a bad flag exits 2', async () => {
    const help = await cli('bench', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: convstore bench/);
    expect(help.stdout).toContain('--quick');
    const bad = await cli('bench', '--stores', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--stores: unknown nope/);
  });

  it('documents every exit code in the top-level help, from the one error table', async () => {
    const { stdout } = await cli('--help');
    for (const [code, { exit }] of Object.entries(ERROR_STATUS)) {
      expect(stdout, code).toMatch(new RegExp(`\\b${exit} `));
    }
    expect(stdout).toContain(`${EXIT.verificationFailed} verification`);
  });

  it('shows where each setting comes from: flag, environment variable, default', async () => {
    const { stdout } = await cli('cleanup', '--help');
    expect(stdout).toMatch(/--url <url>[\s\S]*env: DATABASE_URL/);
    expect(stdout).toMatch(/--schema <name>[\s\S]*default:\s+"convstore",\s+env: CONVSTORE_SCHEMA/);
  });

  it.each([
    [['no-such-command']],
    [['cleanup', '--batch-size', 'lots']],
    [['cleanup', '--batch-size', '0']],
    [['migrate-redis', '--from', 'redis://x', '--to', 'postgres://x']],
    [['migrate-redis', '--format', 'csv', '--from', 'redis://x', '--to', 'postgres://x']],
  ])('exits 2 on a usage error: %j', async (argv) => {
    const { code, stderr } = await cli(...argv);
    expect(code).toBe(EXIT.usage);
    expect(stderr).toMatch(/error/);
  });

  it('exits 2 with a JSON error naming the field when options contradict each other', async () => {
    const { code, stdout } = await cli(
      'migrate-redis',
      '--format',
      'langchain',
      '--from',
      'redis://127.0.0.1:6379',
      '--to',
      'postgres://127.0.0.1/test',
      '--json',
    );
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({
      error: { code: 'invalid_input', issues: [{ field: 'userId' }] },
    });
  });
});

describe.skipIf(!available())('convstore db', () => {
  it('plans on --dry-run without changing anything, migrates, then reports up to date', async () => {
    const schema = freshSchema();
    const target = ['--url', TEST_DATABASE_URL, '--schema', schema, '--json'];

    const before = await cli('db', 'status', ...target);
    expect(before.code).toBe(ERROR_STATUS.schema_mismatch.exit);
    const status = JSON.parse(before.stdout);
    expect(status).toMatchObject({ current: 0, upToDate: false });
    expect(status.pending.length).toBeGreaterThan(0);

    const plan = await cli('db', 'migrate', '--dry-run', ...target);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({ dryRun: true, from: 0, steps: status.pending });
    const [exists] = await admin.unsafe<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1',
      [schema],
    );
    expect(exists!.n).toBe(0);

    const applied = await cli('db', 'migrate', ...target);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ dryRun: false, steps: status.pending });

    const after = await cli('db', 'status', ...target);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ upToDate: true, pending: [] });
    const again = await cli('db', 'migrate', '--url', TEST_DATABASE_URL, '--schema', schema);
    expect(again.stdout).toMatch(/up to date/);
  });

  it('db migrate --partitions creates a partitioned schema and refuses another count with exit 7', async () => {
    const schema = freshSchema();
    const target = ['--url', TEST_DATABASE_URL, '--schema', schema];
    expect((await cli('db', 'migrate', ...target, '--partitions', '4')).code).toBe(0);
    const [parts] = await admin.unsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = to_regclass($1)`,
      [`"${schema}".messages`],
    );
    expect(parts!.n).toBe(4);
    expect((await cli('db', 'migrate', ...target, '--partitions', '4')).code).toBe(0);
    for (const args of [
      ['--partitions', '8'],
      ['--partitions', '8', '--dry-run'],
    ]) {
      const refused = await cli('db', 'migrate', ...target, ...args);
      expect(refused.code).toBe(ERROR_STATUS.schema_mismatch.exit);
      expect(refused.stderr).toMatch(/has 4 partitions, but partitions: 8[\s\S]*convstore copy/);
    }
    const bad = await cli('db', 'migrate', ...target, '--partitions', '1');
    expect(bad.code).toBe(2);
  });

  it('refuses a database migrated by newer code with exit 7', async () => {
    const schema = freshSchema();
    await cli('db', 'migrate', '--url', TEST_DATABASE_URL, '--schema', schema);
    await admin.unsafe(
      `INSERT INTO "${schema}".schema_migrations (version, name) VALUES (9999, 'future')`,
    );
    const { code, stderr } = await cli(
      'db',
      'migrate',
      '--url',
      TEST_DATABASE_URL,
      '--schema',
      schema,
    );
    expect(code).toBe(7);
    expect(stderr).toMatch(/newer than this convstore/);
  });

  it('exits 5 when the database does not answer, and 2 for a URL that is no database', async () => {
    const down = await cli('db', 'status', '--url', 'postgres://127.0.0.1:1/test');
    expect(down.code).toBe(5);
    expect(down.stderr).toMatch(/unavailable/);
    const wrong = await cli('db', 'status', '--url', 'redis://127.0.0.1:6379');
    expect(wrong.code).toBe(2);
  });
});

describe.skipIf(!available())('convstore cleanup on the Redis store', () => {
  it('prunes the user indexes of sessions Redis has expired and says how many', async () => {
    const prefix = freshPrefix();
    const store = await createStore({ url: redisUrl(), keyPrefix: prefix, ttlSeconds: 1 });
    onCleanup(() => store.close());
    for (let i = 0; i < 5; i++) {
      await store.append({
        userId: 'gus',
        sessionId: `s${i}`,
        messages: [{ role: 'user', content: 'soon gone' }],
      });
    }
    // Expired (getSession reads without pruning anything), but still in the user's index.
    await expect
      .poll(async () => await store.getSession({ userId: 'gus', sessionId: 's4' }), {
        timeout: 10_000,
      })
      .toBeNull();
    const { code, stdout } = await cli(
      'cleanup',
      '--url',
      redisUrl(),
      '--key-prefix',
      prefix,
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ sessions: 5, messages: 5 });
    const again = await cli('cleanup', '--url', redisUrl(), '--key-prefix', prefix, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ sessions: 0, messages: 0 });
  });
});
