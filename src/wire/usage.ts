import type { UsageRow } from '../contract/usage.js';

/** A usage row on the wire: snake_case like every other body; absent dimensions stay absent. */
export interface WireUsageRow {
  day?: string;
  agent_id?: string | null;
  model?: string | null;
  user_id?: string;
  sessions: number;
  active_sessions: number;
  messages: number;
  messages_by_role: UsageRow['messagesByRole'];
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cached_input_tokens: number;
  active_users: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
}

export function usageRowToWire(row: UsageRow): WireUsageRow {
  return {
    ...(row.day !== undefined && { day: row.day }),
    ...(row.agentId !== undefined && { agent_id: row.agentId }),
    ...(row.model !== undefined && { model: row.model }),
    ...(row.userId !== undefined && { user_id: row.userId }),
    sessions: row.sessions,
    active_sessions: row.activeSessions,
    messages: row.messages,
    messages_by_role: row.messagesByRole,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    reasoning_tokens: row.reasoningTokens,
    cached_input_tokens: row.cachedInputTokens,
    active_users: row.activeUsers,
    latency_p50_ms: row.latencyP50Ms,
    latency_p95_ms: row.latencyP95Ms,
  };
}

export function usageRowFromWire(row: WireUsageRow): UsageRow {
  return {
    ...(row.day !== undefined && { day: row.day }),
    ...(row.agent_id !== undefined && { agentId: row.agent_id }),
    ...(row.model !== undefined && { model: row.model }),
    ...(row.user_id !== undefined && { userId: row.user_id }),
    sessions: row.sessions,
    activeSessions: row.active_sessions,
    messages: row.messages,
    messagesByRole: row.messages_by_role,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    reasoningTokens: row.reasoning_tokens,
    cachedInputTokens: row.cached_input_tokens,
    activeUsers: row.active_users,
    latencyP50Ms: row.latency_p50_ms,
    latencyP95Ms: row.latency_p95_ms,
  };
}
