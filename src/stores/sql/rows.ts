import { messageAsSent } from '../../contract/message-as-sent.js';
import { estimateTokens } from '../../contract/message-fingerprint.js';
import type {
  Agent,
  Message,
  MessageKind,
  MessageStatus,
  Metadata,
  Role,
  Session,
  Usage,
} from '../../contract/types.js';
import type { ResolvedMessage } from '../../contract/validation.js';

/** A session as the database's session_json() builds it (timestamps as ISO strings). */
export interface SessionJson {
  userId: string;
  sessionId: string;
  agentId: string | null;
  title: string | null;
  metadata: Metadata;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  lastSeq: number;
  messageCount: number;
}

export function sessionFromJson(json: SessionJson): Session {
  return {
    userId: json.userId,
    sessionId: json.sessionId,
    agentId: json.agentId,
    title: json.title,
    metadata: json.metadata,
    createdAt: new Date(json.createdAt),
    updatedAt: new Date(json.updatedAt),
    expiresAt: json.expiresAt === null ? null : new Date(json.expiresAt),
    lastSeq: Number(json.lastSeq),
    messageCount: Number(json.messageCount),
  };
}

/** int8 arrives as a string from postgres.js. */
export interface SessionRow {
  user_id: string;
  session_id: string;
  agent_id: string | null;
  title: string | null;
  metadata: Metadata;
  created_at: Date | string;
  updated_at: Date | string;
  expires_at: Date | string | null;
  last_seq: number | string;
  message_count: number;
}

/** A session row of the read queries, or a stored row as to_jsonb() writes it. */
export function sessionFromRow(row: SessionRow): Session {
  return {
    userId: row.user_id,
    sessionId: row.session_id,
    agentId: row.agent_id,
    title: row.title,
    metadata: row.metadata,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
    lastSeq: Number(row.last_seq),
    messageCount: Number(row.message_count),
  };
}

/** int8 arrives as a string from postgres.js, a timestamp as a Date (as a string in JSON). */
interface MessageCore {
  seq: number | string | null;
  message_id: string;
  role: Role;
  content: string;
  metadata: Metadata;
  created_at: Date | string;
  data: string | null;
}

/**
 * A history read's row (sql/fragments/message-columns.sql): the fields every message has, and
 * the rest as one JSON value, null for a plain message.
 */
export interface ReadMessageRow extends MessageCore {
  extra: {
    format: string | null;
    kind: MessageKind;
    toolCallIds: string[];
    toolResultIds: string[];
    status: MessageStatus;
    version: number;
    updatedAt: string | null;
    usage: Usage | null;
    tokenCount: number | null;
  } | null;
}

/** A stored row as to_jsonb() writes it (timestamps as text, usage as its columns). */
export interface StoredMessageRow extends MessageCore {
  format: string | null;
  kind: MessageKind;
  tool_call_ids: string[];
  tool_result_ids: string[];
  status: MessageStatus;
  version: number;
  updated_at: string | null;
  token_count: number | null;
  lease_expires_at: string | null;
  model: string | null;
  provider: string | null;
  input_tokens: number | string | null;
  output_tokens: number | string | null;
  total_tokens: number | string | null;
  reasoning_tokens: number | string | null;
  cached_input_tokens: number | string | null;
  latency_ms: number | string | null;
  finish_reason: string | null;
}

/** Either shape a message row comes in; `extra` tells them apart. */
export type MessageRow = ReadMessageRow | StoredMessageRow;

// Each builder below writes every field in one object literal. Spreading a shared part of them
// instead (`{ ...core(row), format, ... }`) made a 50-message read through the store 0.49 ->
// 1.1 ms (V8 builds each such object property by property, and the garbage doubles).
export function messageFromRow(row: MessageRow): Message {
  return 'extra' in row ? messageFromRead(row) : messageFromStored(row);
}

function messageFromRead(row: ReadMessageRow): Message {
  const createdAt = new Date(row.created_at);
  const extra = row.extra;
  if (extra === null) return plainMessage(row, createdAt);
  return {
    seq: Number(row.seq),
    messageId: row.message_id,
    role: row.role,
    content: row.content,
    metadata: row.metadata,
    createdAt,
    data: row.data,
    format: extra.format,
    kind: extra.kind,
    toolCallIds: extra.toolCallIds,
    toolResultIds: extra.toolResultIds,
    status: extra.status,
    version: Number(extra.version),
    updatedAt: extra.updatedAt === null ? createdAt : new Date(extra.updatedAt),
    usage: extra.usage,
    tokenCount: extra.tokenCount ?? estimateTokens(row.content, row.data),
  };
}

/** What message-columns.sql leaves out of a plain message: every field at its default. */
function plainMessage(row: MessageCore, createdAt: Date): Message {
  return {
    seq: Number(row.seq),
    messageId: row.message_id,
    role: row.role,
    content: row.content,
    metadata: row.metadata,
    createdAt,
    data: row.data,
    format: null,
    kind: 'message',
    toolCallIds: [],
    toolResultIds: [],
    status: 'complete',
    version: 1,
    updatedAt: createdAt,
    usage: null,
    tokenCount: estimateTokens(row.content, row.data),
  };
}

function messageFromStored(row: StoredMessageRow): Message {
  const createdAt = new Date(row.created_at);
  const leaseRanOut =
    row.status === 'streaming' &&
    row.lease_expires_at !== null &&
    new Date(row.lease_expires_at).getTime() <= Date.now();
  return {
    seq: Number(row.seq),
    messageId: row.message_id,
    role: row.role,
    content: row.content,
    metadata: row.metadata,
    createdAt,
    data: row.data,
    format: row.format,
    kind: row.kind,
    toolCallIds: row.tool_call_ids,
    toolResultIds: row.tool_result_ids,
    status: leaseRanOut ? 'aborted' : row.status,
    version: Number(row.version),
    updatedAt: row.updated_at === null ? createdAt : new Date(row.updated_at),
    usage: usageFromColumns(row),
    tokenCount: row.token_count ?? estimateTokens(row.content, row.data),
  };
}

function usageFromColumns(row: StoredMessageRow): Usage | null {
  const usage: Usage = {};
  if (row.model !== null) usage.model = row.model;
  if (row.provider !== null) usage.provider = row.provider;
  if (row.finish_reason !== null) usage.finishReason = row.finish_reason;
  const counts = {
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    totalTokens: row.total_tokens,
    reasoningTokens: row.reasoning_tokens,
    cachedInputTokens: row.cached_input_tokens,
    latencyMs: row.latency_ms,
  } as const;
  for (const [field, value] of Object.entries(counts)) {
    if (value !== null) usage[field as keyof typeof counts] = Number(value);
  }
  return Object.keys(usage).length > 0 ? usage : null;
}

/** What append_messages() answers per message (see sql/functions/03_append_messages.sql). */
export type AppendedJson = { retry: MessageRow } | { seq: number; created_at: string };

export interface AppendJson {
  session: SessionRow;
  messages: AppendedJson[];
  inserted: number;
}

/** A stored message from what the append answered and what was sent. */
export function appendedMessage(appended: AppendedJson, sent: ResolvedMessage): Message {
  if ('retry' in appended) return messageFromRow(appended.retry);
  return messageAsSent(sent, Number(appended.seq), new Date(appended.created_at));
}

export interface AgentRow {
  agent_id: string;
  name: string | null;
  model: string | null;
  settings: Metadata;
  created_at: Date;
  updated_at: Date;
}

export function agentFromRow(row: AgentRow): Agent {
  return {
    agentId: row.agent_id,
    name: row.name,
    model: row.model,
    settings: row.settings,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
