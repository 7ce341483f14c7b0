import type { Agent, Message, Metadata, Role, Session } from '../../contract/types.js';

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

/** A session row of the read queries (get, list). int8 arrives as a string from postgres.js. */
export interface SessionRow {
  user_id: string;
  session_id: string;
  agent_id: string | null;
  title: string | null;
  metadata: Metadata;
  created_at: Date;
  updated_at: Date;
  expires_at: Date | null;
  last_seq: number | string;
  message_count: number;
}

export function sessionFromRow(row: SessionRow): Session {
  return {
    userId: row.user_id,
    sessionId: row.session_id,
    agentId: row.agent_id,
    title: row.title,
    metadata: row.metadata,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    lastSeq: Number(row.last_seq),
    messageCount: Number(row.message_count),
  };
}

/** A message as append_messages() returns it. */
export interface MessageJson {
  seq: number;
  messageId: string;
  role: Role;
  content: string;
  metadata: Metadata;
  createdAt: string;
}

/**
 * What append_messages() returns per message: the whole stored row for a retry, and only what
 * the database assigned for a new one (the caller already has its role, content and metadata).
 */
export type AppendedJson =
  | (MessageJson & { retry: true })
  | { seq: number; messageId: string; createdAt: string; retry?: undefined };

export interface AppendJson {
  session: SessionJson;
  messages: AppendedJson[];
  inserted: number;
}

export function appendedMessage(
  appended: AppendedJson,
  sent: Pick<Message, 'role' | 'content' | 'metadata'>,
): Message {
  if (appended.retry) {
    const { retry: _retry, ...stored } = appended;
    return { ...stored, createdAt: new Date(stored.createdAt) };
  }
  return {
    seq: appended.seq,
    messageId: appended.messageId,
    role: sent.role,
    content: sent.content,
    metadata: sent.metadata,
    createdAt: new Date(appended.createdAt),
  };
}

/** A message row of the history queries. int8 arrives as a string from postgres.js. */
export interface MessageRow {
  seq: number | string | null;
  message_id: string;
  role: Role;
  content: string;
  metadata: Metadata;
  created_at: Date;
}

export function messageFromRow(row: MessageRow): Message {
  return {
    seq: Number(row.seq),
    messageId: row.message_id,
    role: row.role,
    content: row.content,
    metadata: row.metadata,
    createdAt: row.created_at,
  };
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
