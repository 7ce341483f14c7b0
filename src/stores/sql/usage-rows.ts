import type { ResolvedUsageInput, UsageRow } from '../../contract/usage.js';

/** One row of usage.sql as a driver returns it (counts may come as strings: bigint). */
export interface UsageSqlRow {
  day: string | null;
  agent_id: string | null;
  model: string | null;
  user_id: string | null;
  sessions: number | string;
  active_sessions: number | string;
  messages: number | string;
  system_messages: number | string;
  user_messages: number | string;
  assistant_messages: number | string;
  tool_messages: number | string;
  input_tokens: number | string;
  output_tokens: number | string;
  reasoning_tokens: number | string;
  cached_input_tokens: number | string;
  active_users: number | string;
  latency_p50_ms: number | string | null;
  latency_p95_ms: number | string | null;
}

/** usage.sql's parameters, in order: user, from, to, zone, then one flag per dimension. */
export function usageParams(input: ResolvedUsageInput): unknown[] {
  const by = (group: ResolvedUsageInput['groupBy'][number]) => input.groupBy.includes(group);
  return [
    input.userId,
    input.from.toISOString(),
    input.to.toISOString(),
    input.timeZone,
    by('day'),
    by('agent'),
    by('model'),
    by('user'),
  ];
}

/**
 * Whether a report reads the user-less level (usage-totals.sql): everyone's usage, not grouped
 * by user. Its sums equal the per-user level's; its distinct counts are sketch estimates.
 */
export function readsUsageTotals(input: ResolvedUsageInput): boolean {
  return input.userId === null && !input.groupBy.includes('user');
}

/** A row with exactly the dimensions asked for (the others are absent, not null). */
export function usageRowFromSql(row: UsageSqlRow, input: ResolvedUsageInput): UsageRow {
  const out: Partial<UsageRow> = {};
  if (input.groupBy.includes('day')) out.day = row.day ?? '';
  if (input.groupBy.includes('agent')) out.agentId = row.agent_id;
  if (input.groupBy.includes('model')) out.model = row.model;
  if (input.groupBy.includes('user')) out.userId = row.user_id ?? '';
  const latency = (value: number | string | null) => (value === null ? null : Number(value));
  return {
    ...out,
    sessions: Number(row.sessions),
    activeSessions: Number(row.active_sessions),
    messages: Number(row.messages),
    messagesByRole: {
      system: Number(row.system_messages),
      user: Number(row.user_messages),
      assistant: Number(row.assistant_messages),
      tool: Number(row.tool_messages),
    },
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    reasoningTokens: Number(row.reasoning_tokens),
    cachedInputTokens: Number(row.cached_input_tokens),
    activeUsers: Number(row.active_users),
    latencyP50Ms: latency(row.latency_p50_ms),
    latencyP95Ms: latency(row.latency_p95_ms),
  };
}
