/** The API's answers, as the console reads them (snake_case, as on the wire). */

export interface Session {
  session_id: string;
  user_id: string;
  agent_id: string | null;
  title: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  expires_at: string | null;
  last_seq: number;
  message_count: number;
}

export type MessageStatus = 'complete' | 'streaming' | 'aborted' | 'error';
export type MessageKind =
  'message' | 'tool-call' | 'tool-result' | 'reasoning' | 'compaction' | 'other';

export interface Usage {
  model?: string;
  provider?: string;
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  reasoning_tokens?: number;
  cached_input_tokens?: number;
  latency_ms?: number;
  finish_reason?: string;
}

export interface Message {
  seq: number;
  message_id: string;
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  data: string | null;
  format: string | null;
  kind: MessageKind;
  tool_call_ids: string[];
  tool_result_ids: string[];
  status: MessageStatus;
  version: number;
  usage: Usage | null;
  token_count: number;
}

export interface SearchHit {
  session_id: string;
  seq: number;
  message_id: string;
  role: string;
  created_at: string;
  snippet: string;
  rank: number;
}

export interface UsageRow {
  day?: string;
  agent_id?: string | null;
  model?: string | null;
  user_id?: string;
  sessions: number;
  active_sessions: number;
  messages: number;
  messages_by_role: { system: number; user: number; assistant: number; tool: number };
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cached_input_tokens: number;
  active_users: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
}

export interface Agent {
  agent_id: string;
  name: string | null;
  model: string | null;
  settings: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}
