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

/** Where a message stands: drafts stream, then end complete, aborted or in error. */
export const MESSAGE_STATUSES = ['complete', 'streaming', 'aborted', 'error'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** The final statuses a draft may be finalized with. */
export const FINAL_STATUSES = ['complete', 'aborted', 'error'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

/**
 * What a message is, where the framework's shape says so. Windows keep a `tool-result` with the
 * `tool-call` it answers and a `reasoning` item with the item that follows it.
 */
export const MESSAGE_KINDS = [
  'message',
  'tool-call',
  'tool-result',
  'reasoning',
  'compaction',
  'other',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Usage of the model call that produced a message; every field optional. */
export interface Usage {
  model?: string;
  provider?: string;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  reasoningTokens?: number;
  cachedInputTokens?: number;
  latencyMs?: number;
  finishReason?: string;
}

export const USAGE_FIELDS = [
  'model',
  'provider',
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'reasoningTokens',
  'cachedInputTokens',
  'latencyMs',
  'finishReason',
] as const satisfies ReadonlyArray<keyof Usage>;

/**
 * One stored message. `seq` is its position in the session, assigned by the store and never
 * reused: after a pop, truncate or delete the next message gets the next seq, and the gap marks
 * what was removed.
 */
export interface Message {
  seq: number;
  /** The idempotency key (client-supplied or a generated UUIDv7). */
  messageId: string;
  role: Role;
  /** The plain-text view (what search and analytics read); '' when only `data` says it. */
  content: string;
  metadata: Metadata;
  createdAt: Date;
  /** The framework's own message or item as JSON text, byte for byte as given; null for none. */
  data: string | null;
  /** The name of `data`'s shape, e.g. `ai-sdk/ui-message`; null for a plain message. */
  format: string | null;
  kind: MessageKind;
  /** Tool calls this message opens (call ids). */
  toolCallIds: string[];
  /** Tool calls this message answers (call ids). */
  toolResultIds: string[];
  status: MessageStatus;
  /** 1 when stored; every change adds 1 (see updateMessage's expectedVersion). */
  version: number;
  updatedAt: Date;
  /** Null when the message carries no usage. */
  usage: Usage | null;
  /** Tokens of the message itself, for budget windows: given by the caller or estimated. */
  tokenCount: number;
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
  /** Required unless `data` is given (then it defaults to ''). */
  content?: string;
  metadata?: Metadata;
  /**
   * Idempotency key: a retried append with the same id returns the stored message; the same id
   * with other fields is refused (IdempotencyMismatchError).
   */
  messageId?: string;
  /** The framework's message as JSON text, stored byte for byte (checked to be valid JSON). */
  data?: string | null;
  format?: string | null;
  /** Default 'message'. */
  kind?: MessageKind;
  toolCallIds?: string[];
  toolResultIds?: string[];
  /** Default 'complete'. Use beginMessage for a draft that streams. */
  status?: MessageStatus;
  usage?: Usage | null;
  /** Estimated from the text when omitted (about 4 UTF-8 bytes per token). */
  tokenCount?: number;
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
  /**
   * How the newest-N (or budget) window is cut: 'exact' (default) is the newest N;
   * 'tool-pairs' extends it backwards so that it never begins with a tool result whose call (or
   * with the successor of a reasoning item) lies before it, and leaves out results whose call is
   * gone; 'turn' extends it back to the user message that opened its first turn.
   */
  align?: HistoryAlign;
  /** The newest messages whose tokenCounts sum to at most this, cut pair-aligned. */
  tokenBudget?: number;
  /** With a window: also return the session's leading system message(s) (within the budget). */
  pinSystem?: boolean;
  /** Only messages with these statuses (default: all). */
  statuses?: MessageStatus[];
}

export const HISTORY_ALIGNS = ['exact', 'tool-pairs', 'turn'] as const;
export type HistoryAlign = (typeof HISTORY_ALIGNS)[number];

/** Fields of a message that updateMessage may change; only the ones given change. */
export interface MessageChanges {
  content?: string;
  data?: string | null;
  format?: string | null;
  kind?: MessageKind;
  toolCallIds?: string[];
  toolResultIds?: string[];
  status?: MessageStatus;
  usage?: Usage | null;
  metadata?: Metadata;
  tokenCount?: number;
}

export interface UpdateMessageInput extends SessionKey, MessageChanges {
  messageId: string;
  /** Refused with VersionConflictError (nothing changes) unless the stored version is this. */
  expectedVersion?: number;
}

/** Deletes every message after a seq, or after (or from, with inclusive) a messageId. */
export type TruncateInput = SessionKey &
  ({ afterSeq: number } | { afterMessageId: string; inclusive?: boolean });

export interface DeleteMessagesInput extends SessionKey {
  messageIds: string[];
}

export interface Deleted {
  deleted: number;
}

/**
 * An atomic, idempotent change keyed by operationId: the same id with the same body again
 * returns the first result (replayed: true); with another body it is refused
 * (OperationConflictError), as is a replaceSuffix whose expected suffix no longer matches.
 */
export interface TransactInput extends SessionKey {
  operationId: string;
  agentId?: string;
  append?: NewMessage[];
  replaceSuffix?: {
    /** The messageIds of the session's newest messages, oldest first, as the caller saw them. */
    expected: string[];
    replacement: NewMessage[];
  };
}

export interface TransactResult {
  /** The messages the operation stored, in order. */
  messages: Message[];
  /** True when this operation id had already been applied: nothing changed now. */
  replayed: boolean;
}

/** Starts a streaming draft: it takes its seq now, so order follows when generation started. */
export interface BeginMessageInput extends SessionKey {
  messageId?: string;
  agentId?: string;
  /** Default 'assistant'. */
  role?: Role;
  content?: string;
  data?: string | null;
  format?: string | null;
  kind?: MessageKind;
  metadata?: Metadata;
  toolCallIds?: string[];
  toolResultIds?: string[];
  /** The lease token to hold (the caller's own, e.g. to retry a begin); generated when omitted. */
  lease?: string;
  /** How long the draft stays leased without a checkpoint. Default 60000. */
  leaseMs?: number;
}

export interface BeginMessageResult {
  message: Message;
  /** Only the holder of this lease may checkpoint the draft. */
  lease: string;
}

export interface CheckpointMessageInput extends SessionKey {
  messageId: string;
  lease: string;
  content?: string;
  data?: string | null;
  toolCallIds?: string[];
  toolResultIds?: string[];
  tokenCount?: number;
}

export interface FinalizeMessageInput extends SessionKey {
  messageId: string;
  /** Required while the draft's lease is live and held by someone; optional otherwise. */
  lease?: string;
  status: FinalStatus;
  content?: string;
  data?: string | null;
  usage?: Usage | null;
  toolCallIds?: string[];
  toolResultIds?: string[];
  tokenCount?: number;
  metadata?: Metadata;
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
