#!/usr/bin/env node
// `npm run bench`: parses the flags, runs the benchmark and prints the table. `convstore bench`
// runs the same dispatch (run-command.ts) with the options parseBenchArgs makes.
import { BENCH_USAGE, parseBenchArgs, UsageRequest } from './parse-bench-args.js';
import type { BenchOptions } from './bench-options.js';
import { runBenchCommand } from './run-command.js';
import { BenchInterrupted } from './run-bench.js';

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    const help = error instanceof UsageRequest;
    if (!help) process.stderr.write(`${(error as Error).message}\n`);
    process.stderr.write(`${BENCH_USAGE}\n`);
    process.exitCode = help ? 0 : 2;
    return;
  }
  const { text } = await runBenchCommand(options, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${text}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof BenchInterrupted) {
    process.stderr.write('bench interrupted; everything it created was dropped\n');
    process.exitCode = 130;
    return;
  }
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
