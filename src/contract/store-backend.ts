import type { StoreCapabilities } from './capabilities.js';
import type { SearchPage } from './search.js';
import type { ResolvedUsageInput, UsageReport } from './usage.js';
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
  ResolvedSearchInput,
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
  /** UnsupportedError on a store that keeps no index to search (redis). */
  search(input: ResolvedSearchInput): Promise<SearchPage>;
  usage(input: ResolvedUsageInput): Promise<UsageReport>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Store-specific extras, typed (see capabilities.ts). */
  readonly capabilities: StoreCapabilities;
}

/** Every operation of the contract, so the facade (and anything that wraps a store) lists them
 * from the type: a new operation that is not listed does not compile. */
export type StoreOperation = Exclude<keyof ConversationStore, 'kind' | 'capabilities'>;
