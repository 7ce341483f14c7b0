import { STORE_OPERATIONS } from '../names.js';
import type { BenchResult } from '../bench-result.js';
import { ratios } from './floors.js';
import { baselineLines, targetLines } from './targets.js';

/**
 * The sketch's "Benchmarks Esperados" table, measured: operation x store, p50 at concurrency 1
 * and throughput at higher concurrency, each with its cost against the floor and its speed-up
 * over the sketch's algorithm; then the floors, the growth rows and what was not measured.
 */
export function renderTable(result: BenchResult): string {
  const { rows } = result;
  const lines: string[] = [];
  const m = result.machine;
  lines.push(
    `machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}; node ${m.node}; ` +
      `PostgreSQL ${m.postgres}; Redis ${m.redis}; load average ${m.loadAverage.start} at start, ` +
      `${m.loadAverage.end} at end`,
  );
  const stores = unique(
    rows.filter((r) => !r.store.startsWith('floor-') && !r.store.includes('@')).map((r) => r.store),
  );
  for (const concurrency of unique(rows.map((r) => r.concurrency))) {
    const single = concurrency === 1;
    lines.push('');
    lines.push(
      single
        ? `concurrency 1: p50 ms (x floor cost, x faster than the sketch)`
        : `concurrency ${concurrency}: ops/s (x floor cost, x faster than the sketch)`,
    );
    const header = ['operation', ...stores];
    const body = STORE_OPERATIONS.map((operation) => [
      operation,
      ...stores.map((store) => {
        const row = rows.find(
          (r) => r.store === store && r.operation === operation && r.concurrency === concurrency,
        );
        if (!row) return 'n/a';
        const { vsFloor, vsSketch } = ratios(row, rows);
        const value = single ? row.p50_ms.toFixed(3) : String(row.ops_per_s);
        const extras = [
          vsFloor === undefined ? undefined : `${vsFloor.toFixed(2)}f`,
          vsSketch === undefined || store === 'sketch-postgres'
            ? undefined
            : `${vsSketch.toFixed(1)}s`,
        ].filter(Boolean);
        return extras.length > 0 ? `${value} (${extras.join(' ')})` : value;
      }),
    ]);
    lines.push(...grid([header, ...body]));
  }
  lines.push('', 'targets (issue 15), read off this run:');
  lines.push(...grid([['figure', 'measured', 'goal', ''], ...targetLines(rows)]));
  if (result.baseline) {
    lines.push('', 'beside the baseline run: cost x floor then and now (now / then > 1: slower)');
    lines.push(
      ...grid([
        ['store', 'operation', 'c', 'then', 'now', 'now / then'],
        ...baselineLines(rows, result.baseline, (row, all) => ratios(row, all).vsFloor),
      ]),
    );
  }
  lines.push('', 'floors and growth: p50 / p95 / p99 ms, ops/s');
  const others = rows.filter((r) => r.store.startsWith('floor-') || r.store.includes('@'));
  lines.push(
    ...grid([
      ['store', 'operation', 'c', 'p50', 'p95', 'p99', 'ops/s', 'table rows'],
      ...others.map((r) => [
        r.store,
        r.operation,
        String(r.concurrency),
        r.p50_ms.toFixed(3),
        r.p95_ms.toFixed(3),
        r.p99_ms.toFixed(3),
        String(r.ops_per_s),
        r.table_rows === undefined ? '' : r.table_rows.toLocaleString('en'),
      ]),
    ]),
  );
  for (const load of result.loads) {
    lines.push(
      `growth loader: ${load.loaded.toLocaleString('en')} rows in ${load.seconds} s ` +
        `(${load.rows_per_s.toLocaleString('en')} rows/s), table at ${load.table_rows.toLocaleString('en')}`,
    );
  }
  for (const { store, reason } of result.skipped) lines.push(`not measured: ${store}: ${reason}`);
  lines.push(
    `(f: cost against the floor, 1.00 = the physical best; s: times faster than the sketch)`,
  );
  lines.push(`run took ${result.seconds.toFixed(0)} s`);
  return lines.join('\n');
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function grid(cells: string[][]): string[] {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ');
  return [
    line(cells[0]!),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...cells.slice(1).map(line),
  ];
}
