/** Who a message is from. The sketch stored any string; the store accepts exactly these. */
export const ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export type Role = (typeof ROLES)[number];

/** JSON object stored as metadata (model, token counts, tool calls, anything). */
export type Metadata = { [key: string]: unknown };

/** A conversation, owned by one user and namespaced by them. */
export interface Session {
  userId: string;
  sessionId: string;
  agentId: string | null;
  title: string | null;
  metadata: Metadata;
  createdAt: Date;
  updatedAt: Date;
  /** Sliding: every write moves it to now + TTL. Null when the store keeps sessions forever. */
  expiresAt: Date | null;
  /** Highest seq ever assigned in this session (0 when it has no messages yet). */
  lastSeq: number;
  /** Messages currently kept (after trimming to maxHistory). */
  messageCount: number;
}

/** One stored message. `seq` is its position in the session: 1, 2, 3... with no gaps. */
export interface Message {
  seq: number;
  messageId: string;
  role: Role;
  content: string;
  metadata: Metadata;
  createdAt: Date;
}

/** What the session talks to. Agents are a catalogue shared by all users. */
export interface Agent {
  agentId: string;
  name: string | null;
  model: string | null;
  settings: Metadata;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewMessage {
  role: Role;
  content: string;
  metadata?: Metadata;
  /** Idempotency key: a retried append with the same id returns the stored message. */
  messageId?: string;
}

export interface AppendInput {
  userId: string;
  sessionId: string;
  /** Set on the session when it is created; changes an existing session's agent when given. */
  agentId?: string;
  messages: NewMessage[];
}

export interface AppendResult {
  session: Session;
  /** The stored messages, in the order given; retried ones are the stored originals. */
  messages: Message[];
  /** How many of them this call stored; 0 when every one was a retry of a stored message. */
  inserted: number;
}

export interface SessionKey {
  userId: string;
  sessionId: string;
}

/**
 * Which messages to read. With neither cursor, the newest `last` (or `limit`) messages; with
 * `afterSeq`, the oldest `limit` after it; with `beforeSeq`, the newest `limit` before it. The
 * result is always in chronological order.
 */
export interface HistoryInput extends SessionKey {
  last?: number;
  afterSeq?: number;
  beforeSeq?: number;
  limit?: number;
}

export interface CreateSessionInput {
  userId: string;
  /** Generated (time-ordered) when omitted. */
  sessionId?: string;
  agentId?: string | null;
  title?: string | null;
  metadata?: Metadata;
}

export interface UpdateSessionInput extends SessionKey {
  agentId?: string | null;
  title?: string | null;
  /** Replaces the session's metadata. */
  metadata?: Metadata;
}

export interface ListSessionsInput {
  userId: string;
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface SessionPage {
  sessions: Session[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface PutAgentInput {
  agentId: string;
  name?: string | null;
  model?: string | null;
  settings?: Metadata;
}

export interface CleanupInput {
  /** Sessions deleted per transaction; small batches keep locks short. */
  batchSize?: number;
}

export interface DeletedCounts {
  sessions: number;
  messages: number;
}

export interface UserKey {
  userId: string;
}
