import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
let dir: string | undefined;

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('README', () => {
  it('has a library example that runs as written (on a throwaway data directory)', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const example = /## Library\n+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toContain("from 'convstore'");
    dir = await mkdtemp(join(root, 'node_modules', '.readme-example-'));
    const program = example!
      .replace("from 'convstore'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`)
      .replace("'pglite://./data'", JSON.stringify(`pglite://${join(dir, 'data')}`))
      .concat('\nconsole.log(JSON.stringify(window.map((m) => [m.seq, m.role])));\n');
    const file = join(dir, 'example.mts');
    await writeFile(file, program);
    const { stdout } = await run(join(root, 'node_modules/.bin/tsx'), [file], { cwd: dir });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual([
      [1, 'user'],
      [2, 'assistant'],
    ]);
  }, 60_000);
});
