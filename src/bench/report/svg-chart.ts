import type { BenchRow } from '../names.js';
import { STORE_OPERATIONS } from '../names.js';
import type { BenchResult } from '../bench-result.js';

/** A colour per store, stable from run to run so charts compare at a glance. */
const COLOURS: Record<string, string> = {
  postgres: '#1f77b4',
  pglite: '#17becf',
  redis: '#d62728',
  'hybrid-write-through': '#9467bd',
  'hybrid-write-behind': '#e377c2',
  'sketch-postgres': '#7f7f7f',
  'langchain-postgres': '#bcbd22',
  'langchain-redis': '#ff7f0e',
  'floor-postgres': '#2ca02c',
  'floor-pglite': '#9edae5',
  'floor-redis': '#8c564b',
  'http-postgres': '#393b79',
};

const BAR = 11;
const GAP = 8;
const LABEL = 150;
const PLOT = 520;

/**
 * The same figures as the table, drawn: one panel of p50 at concurrency 1 (log scale: floors and
 * peers span three orders of magnitude) and one of throughput at the highest concurrency, each
 * grouped by operation, floors first. Plain SVG: no library, readable in any browser or on GitHub.
 */
export function renderSvg(result: BenchResult): string {
  const rows = result.rows.filter((r) => !r.store.includes('@'));
  const levels = [...new Set(rows.map((r) => r.concurrency))].sort((a, b) => a - b);
  const panels: string[] = [];
  let y = 40;
  const low = levels[0];
  const high = levels[levels.length - 1];
  if (low !== undefined) {
    const panel = drawPanel(
      rows,
      low,
      'p50',
      `p50 latency at concurrency ${low} (ms, log scale; shorter is better)`,
      y,
    );
    panels.push(panel.svg);
    y = panel.bottom + 30;
  }
  if (high !== undefined && high !== low) {
    const panel = drawPanel(
      rows,
      high,
      'rate',
      `throughput at concurrency ${high} (ops/s; longer is better)`,
      y,
    );
    panels.push(panel.svg);
    y = panel.bottom + 30;
  }
  const m = result.machine;
  const width = LABEL + PLOT + 120;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">convstore bench${result.quick ? ' (quick)' : ''}: ` +
      `${escape(`${m.cpus} CPUs ${m.cpuModel}, PostgreSQL ${m.postgres}, Redis ${m.redis}, node ${m.node}`)}</text>`,
    ...panels,
    `</svg>`,
    '',
  ].join('\n');
}

function drawPanel(
  rows: BenchRow[],
  concurrency: number,
  kind: 'p50' | 'rate',
  title: string,
  top: number,
): { svg: string; bottom: number } {
  const value = (r: BenchRow) => (kind === 'p50' ? r.p50_ms : r.ops_per_s);
  const selected = rows.filter((r) => r.concurrency === concurrency && value(r) > 0);
  const groups: Array<[string, BenchRow[]]> = [
    ['floors', selected.filter((r) => r.store.startsWith('floor-'))],
    ...STORE_OPERATIONS.map(
      (op) => [op, selected.filter((r) => r.operation === op)] as [string, BenchRow[]],
    ),
  ];
  const max = Math.max(...selected.map(value), 1e-3);
  const min = Math.min(...selected.map(value), max);
  const lowLog = Math.floor(Math.log10(Math.max(min, 1e-3)));
  const highLog = Math.ceil(Math.log10(max));
  const scale = (v: number) =>
    kind === 'p50'
      ? ((Math.log10(v) - lowLog) / Math.max(highLog - lowLog, 1)) * PLOT
      : (v / max) * PLOT;
  const parts: string[] = [
    `<text x="10" y="${top}" font-size="13" font-weight="bold">${escape(title)}</text>`,
  ];
  let y = top + 12;
  for (const [group, members] of groups) {
    if (members.length === 0) continue;
    parts.push(`<text x="10" y="${y + 10}" font-weight="bold">${escape(group)}</text>`);
    y += 14;
    for (const r of members) {
      const label = group === 'floors' ? `${r.store} ${r.operation}` : r.store;
      const w = Math.max(1, scale(value(r)));
      const shown = kind === 'p50' ? `${r.p50_ms.toFixed(3)} ms` : `${r.ops_per_s}/s`;
      parts.push(
        `<text x="${LABEL - 6}" y="${y + BAR - 2}" text-anchor="end">${escape(label)}</text>`,
        `<rect x="${LABEL}" y="${y}" width="${w.toFixed(1)}" height="${BAR}" fill="${COLOURS[r.store] ?? '#333'}"/>`,
        `<text x="${(LABEL + w + 4).toFixed(1)}" y="${y + BAR - 2}">${escape(shown)}</text>`,
      );
      y += BAR + 2;
    }
    y += GAP;
  }
  if (kind === 'p50') {
    for (let e = lowLog; e <= highLog; e++) {
      const x = (LABEL + scale(10 ** e)).toFixed(1);
      parts.push(
        `<line x1="${x}" y1="${top + 6}" x2="${x}" y2="${y}" stroke="#ccc" stroke-dasharray="2,2"/>`,
        `<text x="${x}" y="${y + 10}" text-anchor="middle" fill="#666">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)} ms</text>`,
      );
    }
    y += 14;
  }
  return { svg: parts.join('\n'), bottom: y };
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
