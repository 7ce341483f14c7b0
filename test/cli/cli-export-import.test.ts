import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/index.js';
import {
  available,
  freshSchema,
  onCleanup,
  TEST_DATABASE_URL,
} from '../jobs/support/job-fixtures.js';
import { cli } from './capture.js';

describe.skipIf(!available())('convstore export and import', () => {
  it('exports to a file, imports it idempotently with a --json summary, and streams to stdout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convstore-export-'));
    onCleanup(() => rm(dir, { recursive: true, force: true }));
    const schema = freshSchema();
    const store = await createStore({ url: TEST_DATABASE_URL, schema, migrate: true });
    onCleanup(() => store.close());
    for (const userId of ['alice', 'bob']) {
      await store.append({
        userId,
        sessionId: 'chat',
        messages: [
          { role: 'user', content: `${userId} asks`, metadata: { n: 1 } },
          { role: 'assistant', content: 'answer' },
        ],
      });
    }
    const file = join(dir, 'alice.ndjson');
    const url = ['--url', TEST_DATABASE_URL];

    const exported = await cli(
      'export',
      ...url,
      '--schema',
      schema,
      '--user',
      'alice',
      '--out',
      file,
      '--json',
    );
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ sessions: 1, messages: 2, agents: 0 });
    expect(await readFile(file, 'utf8')).not.toContain('bob asks');

    const into = freshSchema();
    const args = ['import', ...url, '--schema', into, '--in', file, '--json'];
    const refused = await cli(...args);
    expect(refused.code).toBe(7);
    expect(refused.stderr).toMatch(/schema_mismatch/);
    const imported = await cli(...args, '--migrate');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      sessions: 1,
      messages: 2,
      inserted: 2,
      verified: 1,
      differences: 0,
    });
    const again = await cli(...args);
    expect(JSON.parse(again.stdout)).toMatchObject({ inserted: 0, differences: 0 });

    const streamed = await cli('export', ...url, '--schema', into, '--out', '-', '--json');
    expect(streamed.code).toBe(0);
    const lines = streamed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(lines.map((line) => line.type)).toEqual([
      'convstore-export',
      'session',
      'message',
      'message',
      'end',
    ]);
    // The data owns stdout; the summary went to stderr.
    expect(streamed.stderr).toMatch(/"sessions":1/);

    const orphan = await cli(
      'export',
      ...url,
      '--schema',
      schema,
      '--session',
      'chat',
      '--out',
      file,
    );
    expect(orphan.code).toBe(2);
    expect(orphan.stderr).toMatch(/--session: needs --user/);
  });

  it('refuses a file it cannot read before opening any store', async () => {
    const run = await cli('import', '--url', 'pglite://memory', '--in', '/nonexistent/file');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--in: is not a readable file/);
  });
});
