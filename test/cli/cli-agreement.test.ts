import { describe, expect, it } from 'vitest';
import { SETTING_COMMANDS } from '../../src/config/config-fields.js';
import { kebab, settingsOf } from '../../src/config/resolve-settings.js';
import { createStore } from '../../src/index.js';
import {
  available,
  freshPrefix,
  freshSchema,
  onCleanup,
  redis,
  redisUrl,
  TEST_DATABASE_URL,
  useRedisDatabase,
} from '../jobs/support/job-fixtures.js';
import { cli, cliWithEnv } from './capture.js';

useRedisDatabase(14);

const HELP: Record<(typeof SETTING_COMMANDS)[number], string[]> = {
  serve: ['serve'],
  db: ['db', 'migrate'],
  cleanup: ['cleanup'],
  flush: ['flush'],
  'migrate-redis': ['migrate-redis'],
  export: ['export'],
  import: ['import'],
  copy: ['copy'],
  report: ['report'],
};

/** The help of one option: from its flag to the next option. */
function optionHelp(help: string, flag: string): string {
  const start = help.indexOf(`  ${flag} `);
  expect(start, flag).toBeGreaterThan(-1);
  const rest = help.slice(start + 2);
  const next = rest.search(/\n {2}-/);
  return (next === -1 ? rest : rest.slice(0, next)).replace(/\s+/g, ' ');
}

describe('the CLI and the service agree (issue 9, points 12, 14, 15)', () => {
  it.each(SETTING_COMMANDS)(
    '%s --help lists every setting it reads, with its variable, default and whether required',
    async (command) => {
      const { stdout } = await cli(...HELP[command], '--help');
      for (const use of settingsOf(command)) {
        if (use.flag === null) {
          expect(stdout, use.setting.env).not.toContain(`--${kebab(use.setting.key)} `);
          continue;
        }
        const help = optionHelp(stdout, `--${use.flag}`);
        expect(help).toContain(`env: ${use.setting.env}`);
        if (use.setting.default !== '') {
          expect(help).toContain(`default: ${JSON.stringify(use.setting.default)}`);
        }
        expect(help.includes(', required)'), `--${use.flag}`).toBe(use.required);
      }
    },
  );

  it('names the real flags and offers only what each command accepts', async () => {
    const serve = (await cli('serve', '--help')).stdout;
    expect(serve).toContain('--cleanup-interval-seconds 0 turns it off');
    expect(serve).not.toMatch(/--cleanup-interval(?!-seconds)/);
    expect(serve).toContain('Environment only (never flags): CONVSTORE_ADMIN_TOKEN, JWT_SECRET');
    expect(serve).not.toContain('--admin-token');
    const migrate = (await cli('db', 'migrate', '--help')).stdout;
    expect(migrate).not.toContain('redis://');
    const flush = (await cli('flush', '--help')).stdout;
    expect(optionHelp(flush, '--url')).toContain(', required)');
    expect(optionHelp(flush, '--redis-url')).toContain(', required)');
    expect(optionHelp(flush, '--key-prefix')).toContain('env: REDIS_KEY_PREFIX');
    const cleanup = (await cli('cleanup', '--help')).stdout;
    expect(optionHelp(cleanup, '--key-prefix')).toContain('env: REDIS_KEY_PREFIX');
    expect(cleanup).not.toContain('CONVSTORE_KEY_PREFIX');
  });

  it.each([
    [['no-such-command', '--json']],
    [['cleanup', '--json', '--batch-size', 'lots']],
    [['cleanup', '--json', '--nope']],
    [['db', 'status', '--json', '--url', 'redis://127.0.0.1:6379']],
    [['flush', '--json']],
    [['migrate-redis', '--json', '--from', 'redis://x', '--to', 'postgres://x']],
  ])('with --json, an argument error is exactly one JSON document on stdout: %j', async (argv) => {
    const { code, stdout } = await cliWithEnv({}, ...argv);
    expect(code).toBe(2);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const document = JSON.parse(lines[0]!) as { error: { code: string; message: string } };
    expect(document.error.code).toBe('invalid_input');
    expect(document.error.message.length).toBeGreaterThan(5);
  });

  it('with --json, --help and a bad environment value are one JSON document too', async () => {
    const help = await cli('cleanup', '--help', '--json');
    expect(help.code).toBe(0);
    expect(JSON.parse(help.stdout)).toMatchObject({ output: expect.stringMatching(/^Usage:/) });
    const bad = await cliWithEnv({ CLEANUP_BATCH_SIZE: '0' }, 'cleanup', '--json');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      error: { code: 'invalid_input', issues: [{ field: 'CLEANUP_BATCH_SIZE' }] },
    });
  });
});

describe.skipIf(!available())('flush and cleanup read the service environment (point 12)', () => {
  it('flush --once takes the key prefix from REDIS_KEY_PREFIX, as the service does', async () => {
    const [schema, prefix] = [freshSchema(), freshPrefix()];
    const store = await createStore({
      url: TEST_DATABASE_URL,
      schema,
      migrate: true,
      cache: { url: redisUrl(), keyPrefix: prefix, writeMode: 'write-behind', flusher: false },
    });
    onCleanup(() => store.close());
    for (let i = 0; i < 3; i++) {
      await store.append({
        userId: 'erin',
        sessionId: 'queued',
        messages: [{ role: 'user', content: `message ${i}` }],
      });
    }
    // The service's own environment, no flags.
    const env = {
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: redisUrl(),
      REDIS_KEY_PREFIX: prefix,
      CONVSTORE_SCHEMA: schema,
    };
    const run = await cliWithEnv(env, 'flush', '--once', '--json');
    expect(run.stderr).not.toContain('no write-behind queue');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ flushed: 3, failures: 0 });
    const history = await store.history({ userId: 'erin', sessionId: 'queued' });
    expect(history.map((message) => message.content)).toEqual([
      'message 0',
      'message 1',
      'message 2',
    ]);
  });

  it('a flusher that finds no queue under its prefix says so, exits 3 and creates none', async () => {
    const [schema, prefix] = [freshSchema(), freshPrefix()];
    const env = {
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: redisUrl(),
      REDIS_KEY_PREFIX: prefix,
      CONVSTORE_SCHEMA: schema,
    };
    const run = await cliWithEnv(env, 'flush', '--once', '--json');
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`no write-behind queue under the key prefix "${prefix}"`);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'not_found' } });
    // No stream (of any bucket), nor anything else, under the prefix.
    expect(await redis().keys(`${prefix}*`)).toEqual([]);
  });

  it('a long-running flusher without a queue says so and waits, creating none, until stopped', async () => {
    const prefix = freshPrefix();
    const controller = new AbortController();
    const stderr: string[] = [];
    const { PassThrough } = await import('node:stream');
    const [out, err] = [new PassThrough(), new PassThrough()];
    let stdout = '';
    out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    err.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const { runCli } = await import('../../src/cli/run-cli.js');
    const running = runCli(['flush', '--json'], {
      streams: { stdout: out, stderr: err },
      env: { DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: redisUrl(), REDIS_KEY_PREFIX: prefix },
      signal: controller.signal,
    });
    await expect.poll(() => stderr.join(''), { timeout: 10_000 }).toContain('waiting for it');
    controller.abort();
    expect(await running).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ flushed: 0 });
    // No stream (of any bucket), nor anything else, under the prefix.
    expect(await redis().keys(`${prefix}*`)).toEqual([]);
  });
});

describe.skipIf(!available())('database connection failures (point 13)', () => {
  it.each([
    [
      'a database that does not exist',
      'postgres://127.0.0.1:5432/convstore_no_such_db',
      /database "convstore_no_such_db"[^\n]*does not exist \(3D000\)/,
    ],
    [
      'a role that does not exist',
      'postgres://convstore_nobody:hunter2secret@127.0.0.1:5432/test',
      /as "convstore_nobody": the database refused the login[^\n]*\(28/,
    ],
    [
      'a server that is not there',
      'postgres://127.0.0.1:1/test',
      /127\.0\.0\.1:1, database "test": the database refused the connection/,
    ],
  ])('%s: exit 5, naming host and database, never the password', async (_, url, pattern) => {
    for (const argv of [
      ['db', 'status', '--url', url],
      ['cleanup', '--url', url],
      ['db', 'migrate', '--url', url, '--json'],
    ]) {
      const { code, stdout, stderr } = await cli(...argv);
      expect(code, argv.join(' ')).toBe(5);
      expect(stderr).toMatch(pattern);
      expect(stderr).toContain('cannot use PostgreSQL at 127.0.0.1:');
      expect(stderr + stdout).not.toContain('hunter2secret');
      if (argv.includes('--json')) {
        expect(JSON.parse(stdout)).toMatchObject({ error: { code: 'unavailable' } });
      }
    }
  });
});
