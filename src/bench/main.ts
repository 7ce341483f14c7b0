#!/usr/bin/env node
// `npm run bench`: parses the flags, runs the benchmark and prints the table. `convstore bench`
// calls runBench (run-bench.ts) with the options parseBenchArgs makes.
import { BENCH_USAGE, parseBenchArgs, UsageRequest } from './parse-bench-args.js';
import { DEFAULT_DATABASE_URL, type BenchOptions } from './bench-options.js';
import { renderTable } from './report/terminal-table.js';
import { BenchInterrupted, runBench } from './run-bench.js';

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
  if (options.usage !== undefined) {
    const { usageBenchText } = await import('./usage-bench.js');
    const { text } = await usageBenchText(options.databaseUrl, options.usage, (line) =>
      process.stderr.write(`${line}\n`),
    );
    process.stdout.write(`${text}\n`);
    return;
  }
  if (options.explain) {
    const { renderExplain, runExplain } = await import('./explain/run-explain.js');
    const report = await runExplain({
      databaseUrl: options.databaseUrl ?? DEFAULT_DATABASE_URL,
      appends: options.appends ?? 500,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`${renderExplain(report)}\n`);
    return;
  }
  const result = await runBench(options);
  process.stdout.write(`${renderTable(result)}\n`);
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
