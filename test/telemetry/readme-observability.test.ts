import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
let dir: string | undefined;

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("runs the README's console-exporter example: convstore's spans and metrics, no content", async () => {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const example = /## Observability\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toContain("from 'convstore'");
  dir = await mkdtemp(join(root, 'node_modules', '.readme-otel-'));
  const file = join(dir, 'example.mts');
  await writeFile(
    file,
    example!.replace("from 'convstore'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`),
  );
  const { stdout } = await run(join(root, 'node_modules/.bin/tsx'), [file], {
    cwd: dir,
    timeout: 60_000,
  });
  expect(stdout).toContain("name: 'convstore.append'");
  expect(stdout).toContain("name: 'convstore.history'");
  expect(stdout).toContain("'db.system.name': 'postgresql'");
  expect(stdout).toContain('convstore.store.operation.duration');
  expect(stdout).not.toContain('Where should we eat?');
  expect(stdout).not.toContain('alice');
  expect(stdout).not.toContain('trip-to-lisbon');
}, 90_000);
