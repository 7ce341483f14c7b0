import { DEFAULT_DATABASE_URL, type BenchOptions } from './bench-options.js';

/**
 * What `npm run bench` and `convstore bench` run for a set of flags: the usage-report
 * measurement alone (--usage), the append explained (--explain), or the whole benchmark. One
 * dispatch for both entry points; each prints `text` and may keep `result`.
 */
export async function runBenchCommand(
  options: BenchOptions,
  log: (line: string) => void,
): Promise<{ result: unknown; text: string }> {
  const databaseUrl = options.databaseUrl ?? DEFAULT_DATABASE_URL;
  if (options.usage !== undefined) {
    const { usageBenchText } = await import('./usage-bench.js');
    return usageBenchText(options.databaseUrl, options.usage, log);
  }
  if (options.explain) {
    const { renderExplain, runExplain } = await import('./explain/run-explain.js');
    const report = await runExplain({ databaseUrl, appends: options.appends ?? 500, log });
    return { result: report, text: renderExplain(report) };
  }
  const [{ runBench }, { renderTable }] = await Promise.all([
    import('./run-bench.js'),
    import('./report/terminal-table.js'),
  ]);
  const result = await runBench({ ...options, log: options.log ?? log });
  return { result, text: renderTable(result) };
}
