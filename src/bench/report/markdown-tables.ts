import type { BenchResult } from '../bench-result.js';
import type { BenchRow } from '../names.js';
import { STORE_OPERATIONS } from '../names.js';
import { ratios } from './floors.js';
import { baselineLines, targetLines } from './targets.js';

/**
 * The results as Markdown, for docs/BENCHMARKS.md: the machine, then per concurrency an
 * operation x store table (p50 at 1, throughput above, each with its floor cost and its speed-up
 * over the sketch), then every row in full. `npm run bench -- --markdown <file>` writes it.
 */
export function renderMarkdown(result: BenchResult): string {
  const { rows, machine: m } = result;
  const out: string[] = [];
  out.push(
    `Measured ${new Date().toISOString().slice(0, 10)} on ${m.cpus} CPUs (${m.cpuModel}), ` +
      `${m.memoryGiB} GiB, ${m.os}; node ${m.node}; PostgreSQL ${m.postgres} ` +
      `(${Object.entries(m.postgresSettings)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}); Redis ${m.redis}. Load average ${m.loadAverage.start} at the start, ` +
      `${m.loadAverage.end} at the end; the run took ${Math.round(result.seconds)} s` +
      `${result.quick ? ' (quick)' : ''}.`,
    '',
  );
  const stores = [
    ...new Set(
      rows
        .filter((r) => !r.store.startsWith('floor-') && !r.store.includes('@'))
        .map((r) => r.store),
    ),
  ];
  for (const c of [...new Set(rows.map((r) => r.concurrency))]) {
    const single = c === 1;
    out.push(
      single
        ? `**Concurrency 1: p50 in ms** (× floor cost · × faster than the sketch)`
        : `**Concurrency ${c}: throughput in ops/s** (× floor cost · × faster than the sketch)`,
      '',
      `| operation | ${stores.join(' | ')} |`,
      `| --- | ${stores.map(() => '---:').join(' | ')} |`,
    );
    for (const operation of STORE_OPERATIONS) {
      const cells = stores.map((store) => {
        const row = rows.find(
          (r) => r.store === store && r.operation === operation && r.concurrency === c,
        );
        if (!row) return 'n/a';
        const { vsFloor, vsSketch } = ratios(row, rows);
        const value = single ? row.p50_ms.toFixed(3) : String(row.ops_per_s);
        const extras = [
          vsFloor === undefined ? undefined : `${vsFloor.toFixed(2)}×f`,
          vsSketch === undefined || store === 'sketch-postgres'
            ? undefined
            : `${vsSketch.toFixed(1)}×s`,
        ].filter(Boolean);
        return extras.length > 0 ? `${value} (${extras.join(' · ')})` : value;
      });
      out.push(`| ${operation} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  out.push(
    '**Targets** (read off this run)',
    '',
    '| figure | measured | goal | |',
    '| --- | ---: | ---: | --- |',
    ...targetLines(rows).map((cells) => `| ${cells.join(' | ')} |`),
    '',
  );
  if (result.baseline) {
    out.push(
      '**Beside the baseline run** (cost × floor, each run against its own floors; now / then > 1 is slower)',
      '',
      '| store | operation | c | then | now | now / then |',
      '| --- | --- | ---: | ---: | ---: | ---: |',
      ...baselineLines(rows, result.baseline, (row, all) => ratios(row, all).vsFloor).map(
        (cells) => `| ${cells.join(' | ')} |`,
      ),
      '',
    );
  }
  out.push(
    '**Every row** (the `--json` rows)',
    '',
    '| store | operation | c | p50 ms | p95 ms | p99 ms | ops/s | table rows |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(line),
    '',
  );
  for (const load of result.loads) {
    out.push(
      `- growth loader: ${load.loaded.toLocaleString('en')} rows in ${load.seconds} s ` +
        `(${load.rows_per_s.toLocaleString('en')} rows/s), table then at ` +
        `${load.table_rows.toLocaleString('en')} rows`,
    );
  }
  for (const { store, reason } of result.skipped) out.push(`- not measured: ${store}: ${reason}`);
  return `${out.join('\n')}\n`;
}

function line(r: BenchRow): string {
  return (
    `| ${r.store} | ${r.operation} | ${r.concurrency} | ${r.p50_ms.toFixed(3)} | ` +
    `${r.p95_ms.toFixed(3)} | ${r.p99_ms.toFixed(3)} | ${r.ops_per_s} | ` +
    `${r.table_rows === undefined ? '' : r.table_rows.toLocaleString('en')} |`
  );
}
