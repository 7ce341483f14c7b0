#!/usr/bin/env node
// The `convstore` command (package.json "bin"). Everything lives in run-cli.ts; this file only
// connects it to the process: arguments, signals and the exit code.
import { runCli } from './run-cli.js';

// `convstore ... | head`: a reader that went away is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const controller = new AbortController();
let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // The first signal asks running jobs to stop after their current batch; a second one is
    // someone who really means it.
    if (++signals > 1) process.exit(130);
    controller.abort(new Error(`received ${signal}`));
  });
}

process.exitCode = await runCli(process.argv.slice(2), { signal: controller.signal });
