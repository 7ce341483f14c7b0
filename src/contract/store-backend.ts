import type { ConversationStore, StoreKind } from './store.js';
import type {
  Agent,
  AppendResult,
  BeginMessageResult,
  CreateSessionInput,
  Deleted,
  DeletedCounts,
  DeleteMessagesInput,
  ListSessionsInput,
  Message,
  PutAgentInput,
  Session,
  SessionKey,
  SessionPage,
  TransactResult,
  UpdateSessionInput,
  UserKey,
} from './types.js';
import type {
  ResolvedAppendInput,
  ResolvedCheckpointInput,
  ResolvedFinalizeInput,
  ResolvedHistoryInput,
  ResolvedTransactInput,
  ResolvedTruncateInput,
  ResolvedUpdateMessageInput,
} from './validation.js';

/**
 * What each store implements: the contract's operations, taking input the store facade has
 * already validated and resolved (ids generated, defaults filled, fingerprints computed). A
 * backend never validates again; the facade never talks to a server.
 */
export interface StoreBackend {
  readonly kind: StoreKind;
  append(input: ResolvedAppendInput): Promise<AppendResult>;
  history(input: ResolvedHistoryInput): Promise<Message[]>;
  createSession(input: CreateSessionInput & { sessionId: string }): Promise<Session>;
  getSession(input: SessionKey): Promise<Session | null>;
  updateSession(input: UpdateSessionInput): Promise<Session>;
  deleteSession(input: SessionKey): Promise<boolean>;
  listSessions(input: ListSessionsInput & { limit: number }): Promise<SessionPage>;
  deleteUser(input: UserKey): Promise<DeletedCounts>;
  putAgent(input: PutAgentInput): Promise<Agent>;
  listAgents(): Promise<Agent[]>;
  cleanupExpired(input: { batchSize: number }): Promise<DeletedCounts>;
  updateMessage(input: ResolvedUpdateMessageInput): Promise<Message>;
  truncate(input: ResolvedTruncateInput): Promise<Deleted>;
  popMessage(input: SessionKey): Promise<Message | null>;
  clearMessages(input: SessionKey): Promise<Deleted>;
  deleteMessages(input: DeleteMessagesInput): Promise<Deleted>;
  transact(input: ResolvedTransactInput): Promise<TransactResult>;
  /** One draft message (status streaming, with its lease) as an append of one. */
  beginMessage(input: ResolvedAppendInput): Promise<BeginMessageResult>;
  checkpointMessage(input: ResolvedCheckpointInput): Promise<Message>;
  finalizeMessage(input: ResolvedFinalizeInput): Promise<Message>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Store-specific extras, typed (see StoreCapabilities). */
  readonly capabilities: StoreCapabilities;
}

/** What only some stores can do; absent members mean the store cannot. */
export interface StoreCapabilities {
  /** Hybrid write-behind: writes what is queued to PostgreSQL now; how many entries. */
  flush?: () => Promise<number>;
  /** Hybrid: counters of the cache. */
  cacheStats?: () => CacheCounters;
  /** Hybrid: how appends are acknowledged. */
  writeMode?: 'write-through' | 'write-behind';
}

/** The hybrid's cache counters (see the README's hybrid section). */
export interface CacheCounters {
  redisAvailable: boolean;
  hits: number;
  misses: number;
  fallbacks: number;
  invalidations: number;
  flushed: number;
  flushFailures: number;
  refused: number;
  discarded: number;
}

/** Every operation of the contract, so the facade (and anything that wraps a store) lists them
 * from the type: a new operation that is not listed does not compile. */
export type StoreOperation = Exclude<keyof ConversationStore, 'kind' | 'capabilities'>;
