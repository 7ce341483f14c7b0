import type { ConversationStore } from '../contract/store.js';
import type { UsageGroup, UsageInput, UsageReport, UsageRow } from '../contract/usage.js';

export const USAGE_FORMATS = ['table', 'json', 'csv'] as const;
export type UsageFormat = (typeof USAGE_FORMATS)[number];

/** The column a dimension shows under, in the order of the names. */
const DIMENSION_COLUMNS: Record<UsageGroup, keyof UsageRow> = {
  day: 'day',
  agent: 'agentId',
  model: 'model',
  user: 'userId',
};

const FIGURES = [
  'sessions',
  'activeSessions',
  'activeUsers',
  'messages',
  'inputTokens',
  'outputTokens',
  'reasoningTokens',
  'cachedInputTokens',
  'latencyP50Ms',
  'latencyP95Ms',
] as const;

/**
 * The report `convstore report` prints and GET /v1/usage answers: the store's usage() (live on
 * PostgreSQL and PGlite; UnsupportedError on Redis), with its rows rendered for a reader.
 */
export async function usageReport(
  store: ConversationStore,
  input: UsageInput,
): Promise<UsageReport> {
  return store.usage(input);
}

/** Renders a report: json (one document), csv (RFC 4180, a header) or an aligned table. */
export function formatUsage(
  report: UsageReport,
  groupBy: readonly UsageGroup[],
  format: UsageFormat,
): string {
  if (format === 'json') return JSON.stringify(report);
  const columns = [
    ...groupBy.map((group) => DIMENSION_COLUMNS[group]),
    ...FIGURES.slice(0, 8),
    'messagesByRole' as const,
    ...FIGURES.slice(8),
  ];
  const cell = (row: UsageRow, column: keyof UsageRow): string => {
    const value = row[column];
    if (value === null || value === undefined) return '';
    if (typeof value === 'object') {
      return Object.entries(value)
        .map(([role, count]) => `${role}=${count}`)
        .join(' ');
    }
    return typeof value === 'number' ? String(Math.round(value * 100) / 100) : value;
  };
  const header = columns.map(String);
  const body = report.rows.map((row) => columns.map((column) => cell(row, column)));
  if (format === 'csv') {
    return [header, ...body].map((line) => line.map(csvField).join(',')).join('\n');
  }
  const widths = header.map((name, i) =>
    Math.max(name.length, ...body.map((line) => line[i]!.length)),
  );
  return [header, ...body]
    .map((line) =>
      line
        .map((value, i) => value.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
