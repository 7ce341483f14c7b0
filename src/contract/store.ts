import type {
  Agent,
  AppendInput,
  AppendResult,
  CleanupInput,
  CreateSessionInput,
  DeletedCounts,
  HistoryInput,
  ListSessionsInput,
  Message,
  PutAgentInput,
  Session,
  SessionKey,
  SessionPage,
  UpdateSessionInput,
  UserKey,
  UpdateMessageInput,
  TruncateInput,
  Deleted,
  DeleteMessagesInput,
  TransactInput,
  TransactResult,
  BeginMessageInput,
  BeginMessageResult,
  CheckpointMessageInput,
  FinalizeMessageInput,
} from './types.js';
import type { StoreCapabilities } from './capabilities.js';
import type { SearchInput, SearchPage } from './search.js';
import type { UsageInput, UsageReport } from './usage.js';

/**
 * The one contract every store keeps (postgres, pglite, redis, hybrid). Every call is made as one
 * user: nothing here reads, changes or reveals another user's data. An expired session behaves
 * exactly like one that does not exist.
 */
export interface ConversationStore {
  /** Which implementation this is: 'postgres', 'pglite', 'redis' or 'hybrid'. */
  readonly kind: StoreKind;

  /** What only this kind of store can do (export/import, flush, cache statistics, write mode). */
  readonly capabilities: StoreCapabilities;

  /**
   * Appends messages in order, creating the session when missing, refreshing its expiry and
   * trimming past maxHistory, atomically. Idempotent per messageId.
   */
  append(input: AppendInput): Promise<AppendResult>;

  /** Messages in chronological order. Throws NotFoundError when the session is not visible. */
  history(input: HistoryInput): Promise<Message[]>;

  /**
   * Changes one message (only the fields given) and adds 1 to its version. NotFoundError when
   * the session or message is not visible; VersionConflictError (nothing changed) when
   * `expectedVersion` is not the stored version.
   */
  updateMessage(input: UpdateMessageInput): Promise<Message>;

  /** Deletes every message after a seq or a messageId (edit, regenerate). Seqs are not reused. */
  truncate(input: TruncateInput): Promise<Deleted>;

  /** Deletes and returns the newest message, atomically; null when the session has none. */
  popMessage(input: SessionKey): Promise<Message | null>;

  /** Deletes every message of the session and keeps the session. */
  clearMessages(input: SessionKey): Promise<Deleted>;

  /** Deletes the messages with these ids (the ones not there are not counted). */
  deleteMessages(input: DeleteMessagesInput): Promise<Deleted>;

  /** An atomic append or suffix replacement, idempotent per operationId (see TransactInput). */
  transact(input: TransactInput): Promise<TransactResult>;

  /**
   * Usage over a time range, grouped by day (in timeZone), agent, model and/or user; one user's
   * when userId is given, everyone's otherwise. UnsupportedError on Redis (it keeps no history).
   */
  usage(input: UsageInput): Promise<UsageReport>;

  /** Starts a streaming draft (status 'streaming') under a lease; creates the session if missing. */
  beginMessage(input: BeginMessageInput): Promise<BeginMessageResult>;

  /** Replaces a draft's content/data while it streams; LeaseConflictError without the lease. */
  checkpointMessage(input: CheckpointMessageInput): Promise<Message>;

  /** Ends a draft as complete, aborted or error (idempotent for the same status). */
  finalizeMessage(input: FinalizeMessageInput): Promise<Message>;

  /** Throws ConflictError when the user already has a live session with that id. */
  createSession(input: CreateSessionInput): Promise<Session>;

  /** Null when the session does not exist, has expired or belongs to someone else. */
  getSession(input: SessionKey): Promise<Session | null>;

  /** Throws NotFoundError when the session is not visible. Counts as a write (expiry slides). */
  updateSession(input: UpdateSessionInput): Promise<Session>;

  /** Deletes the session and its messages. False when there was nothing visible to delete. */
  deleteSession(input: SessionKey): Promise<boolean>;

  /** The user's live sessions, most recently active first. */
  listSessions(input: ListSessionsInput): Promise<SessionPage>;

  /** Erases a user and everything of theirs. */
  deleteUser(input: UserKey): Promise<DeletedCounts>;

  /** Creates or replaces an agent in the shared catalogue. */
  putAgent(input: PutAgentInput): Promise<Agent>;

  listAgents(): Promise<Agent[]>;

  /**
   * Reclaims the space of expired sessions (which are already invisible), in bounded batches.
   * Throws BusyError when another cleanup holds the lock.
   */
  cleanupExpired(input?: CleanupInput): Promise<DeletedCounts>;

  /**
   * Ranked full-text search over the caller's own live messages (see SearchInput for the query
   * syntax). Throws UnsupportedError on the redis store, which keeps no index to search.
   */
  search(input: SearchInput): Promise<SearchPage>;

  /** Throws UnavailableError when a backing server does not answer. */
  ping(): Promise<void>;

  /** Releases the connections the store opened (not ones it was given). */
  close(): Promise<void>;
}

export type StoreKind = 'postgres' | 'pglite' | 'redis' | 'hybrid' | 'http';
