import type { StoreBackend } from '../contract/store-backend.js';
import type { StoreCapabilities } from '../contract/capabilities.js';
import type { SearchInput, SearchPage } from '../contract/search.js';
import type { ConversationStore, StoreKind } from '../contract/store.js';
import type {
  Agent,
  AppendInput,
  AppendResult,
  BeginMessageInput,
  BeginMessageResult,
  CheckpointMessageInput,
  CleanupInput,
  CreateSessionInput,
  Deleted,
  DeletedCounts,
  DeleteMessagesInput,
  FinalizeMessageInput,
  HistoryInput,
  ListSessionsInput,
  Message,
  PutAgentInput,
  Session,
  SessionKey,
  SessionPage,
  TransactInput,
  TransactResult,
  TruncateInput,
  UpdateMessageInput,
  UpdateSessionInput,
  UserKey,
} from '../contract/types.js';
import type { InputValidator } from '../contract/validation.js';
import { resolveUsageInput, type UsageInput, type UsageReport } from '../contract/usage.js';

/**
 * The store every caller gets from createStore: validates each call once, then hands the
 * resolved input to the backend (postgres, pglite, redis, hybrid), which never validates again.
 */
export class StoreFacade implements ConversationStore {
  readonly kind: StoreKind;
  readonly capabilities: StoreCapabilities;

  constructor(
    private readonly backend: StoreBackend,
    private readonly validate: InputValidator,
  ) {
    this.kind = backend.kind;
    this.capabilities = backend.capabilities;
  }

  append(input: AppendInput): Promise<AppendResult> {
    return this.call(() => this.backend.append(this.validate.append(input)));
  }

  history(input: HistoryInput): Promise<Message[]> {
    return this.call(() => this.backend.history(this.validate.history(input)));
  }

  updateMessage(input: UpdateMessageInput): Promise<Message> {
    return this.call(() => this.backend.updateMessage(this.validate.updateMessage(input)));
  }

  truncate(input: TruncateInput): Promise<Deleted> {
    return this.call(() => this.backend.truncate(this.validate.truncate(input)));
  }

  popMessage(input: SessionKey): Promise<Message | null> {
    return this.call(() => this.backend.popMessage(this.validate.sessionKey(input)));
  }

  clearMessages(input: SessionKey): Promise<Deleted> {
    return this.call(() => this.backend.clearMessages(this.validate.sessionKey(input)));
  }

  deleteMessages(input: DeleteMessagesInput): Promise<Deleted> {
    return this.call(() => this.backend.deleteMessages(this.validate.deleteMessages(input)));
  }

  transact(input: TransactInput): Promise<TransactResult> {
    return this.call(() => this.backend.transact(this.validate.transact(input)));
  }

  beginMessage(input: BeginMessageInput): Promise<BeginMessageResult> {
    return this.call(() => this.backend.beginMessage(this.validate.beginMessage(input)));
  }

  checkpointMessage(input: CheckpointMessageInput): Promise<Message> {
    return this.call(() => this.backend.checkpointMessage(this.validate.checkpointMessage(input)));
  }

  finalizeMessage(input: FinalizeMessageInput): Promise<Message> {
    return this.call(() => this.backend.finalizeMessage(this.validate.finalizeMessage(input)));
  }

  createSession(input: CreateSessionInput): Promise<Session> {
    return this.call(() => this.backend.createSession(this.validate.createSession(input)));
  }

  getSession(input: SessionKey): Promise<Session | null> {
    return this.call(() => this.backend.getSession(this.validate.sessionKey(input)));
  }

  updateSession(input: UpdateSessionInput): Promise<Session> {
    return this.call(() => this.backend.updateSession(this.validate.updateSession(input)));
  }

  deleteSession(input: SessionKey): Promise<boolean> {
    return this.call(() => this.backend.deleteSession(this.validate.sessionKey(input)));
  }

  listSessions(input: ListSessionsInput): Promise<SessionPage> {
    return this.call(() => this.backend.listSessions(this.validate.listSessions(input)));
  }

  deleteUser(input: UserKey): Promise<DeletedCounts> {
    return this.call(() => this.backend.deleteUser(this.validate.userKey(input)));
  }

  putAgent(input: PutAgentInput): Promise<Agent> {
    return this.call(() => this.backend.putAgent(this.validate.putAgent(input)));
  }

  listAgents(): Promise<Agent[]> {
    return this.backend.listAgents();
  }

  cleanupExpired(input?: CleanupInput): Promise<DeletedCounts> {
    return this.call(() => this.backend.cleanupExpired(this.validate.cleanup(input)));
  }

  search(input: SearchInput): Promise<SearchPage> {
    return this.call(() => this.backend.search(this.validate.search(input)));
  }

  usage(input: UsageInput): Promise<UsageReport> {
    return this.call(() => this.backend.usage(resolveUsageInput(input)));
  }

  ping(): Promise<void> {
    return this.backend.ping();
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  /** Validation throws synchronously; callers always get a rejected promise instead. */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }
}
