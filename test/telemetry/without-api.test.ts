import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

it('works without @opentelemetry/api installed: the store is returned unwrapped', async () => {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      here('./fixtures/hide-otel-api.mjs'),
      here('./fixtures/store-without-api.ts'),
    ],
    { timeout: 60_000 },
  );
  expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
    apiFound: false,
    wrapped: false,
    messages: 1,
  });
}, 90_000);
