import type { StoreCapabilities } from '../../contract/capabilities.js';
import type { SearchPage } from '../../contract/search.js';
import type { ResolvedUsageInput, UsageReport } from '../../contract/usage.js';
import { hybridPortability } from './hybrid-portability.js';
import type { StoreBackend } from '../../contract/store-backend.js';
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
} from '../../contract/types.js';
import type {
  ResolvedAppendInput,
  ResolvedCheckpointInput,
  ResolvedFinalizeInput,
  ResolvedHistoryInput,
  ResolvedSearchInput,
  ResolvedTransactInput,
  ResolvedTruncateInput,
  ResolvedUpdateMessageInput,
} from '../../contract/validation.js';
import type { SqlStore } from '../sql/sql-store.js';
import { noteOnSpan } from '../../telemetry/span-notes.js';
import type { CacheHealth, CacheStats } from './cache-health.js';
import type { WriteMode } from './cache-settings.js';
import { DOWN, type SessionCache } from './session-cache.js';

export interface CachedReadsOptions {
  sql: SqlStore;
  cache: SessionCache;
  health: CacheHealth;
  windowSize: number;
  /** Closes the Redis connections the store opened. */
  closeRedis: () => Promise<void>;
}

/**
 * What both write modes share: history reads served from the cached window when it holds the
 * answer, else from PostgreSQL (refilling the cache in the background, under a lease any write
 * voids), the calls that always go to PostgreSQL, and the message changes beyond appends, made
 * in PostgreSQL (changeInDatabase). The modes (write-through-store.ts, write-behind-store.ts)
 * supply the writes, how a change in PostgreSQL is fenced against the cache, and a flush before
 * PostgreSQL is read. Inputs come resolved from the store facade: nothing is validated here.
 */
export abstract class CachedReads implements StoreBackend {
  readonly kind = 'hybrid' as const;
  abstract readonly writeMode: WriteMode;
  readonly capabilities: StoreCapabilities;
  protected readonly sql: SqlStore;
  protected readonly cache: SessionCache;
  protected readonly health: CacheHealth;
  protected readonly windowSize: number;
  private readonly refills = new Set<Promise<void>>();

  constructor(
    private readonly base: CachedReadsOptions,
    writeMode: WriteMode,
  ) {
    this.sql = base.sql;
    this.cache = base.cache;
    this.health = base.health;
    this.windowSize = base.windowSize;
    const cache = base.cache;
    this.capabilities = {
      flush: () => this.flush(),
      cacheStats: () => this.cacheStats(),
      writeMode,
      // The queue of writes waiting for PostgreSQL (queue depth and lag metrics).
      ...(writeMode === 'write-behind' ? { writeBehindQueue: () => cache.queue() } : {}),
      // Drafts are written in PostgreSQL in both modes: its NOTIFY wakes their followers.
      changes: base.sql.capabilities.changes,
      // Export and import through PostgreSQL (see hybridPortability).
      portability: hybridPortability(base.sql, cache, () => this.flushFirst()),
    };
  }

  abstract append(input: ResolvedAppendInput): Promise<AppendResult>;
  abstract getSession(input: SessionKey): Promise<Session | null>;
  abstract createSession(input: CreateSessionInput & { sessionId: string }): Promise<Session>;
  abstract updateSession(input: UpdateSessionInput): Promise<Session>;
  abstract deleteSession(input: SessionKey): Promise<boolean>;
  abstract deleteUser(input: UserKey): Promise<DeletedCounts>;
  abstract cleanupExpired(input: { batchSize: number }): Promise<DeletedCounts>;

  /**
   * Makes a change to stored messages in PostgreSQL (`work`), keeping the cached session from
   * being served stale by it: each mode fences it its own way.
   */
  protected abstract changeInDatabase<T>(key: SessionKey, work: () => Promise<T>): Promise<T>;

  /** Counters for metrics and whether Redis answers. */
  cacheStats(): CacheStats {
    return { ...this.health.stats };
  }

  /**
   * write-behind: writes every queued entry this process can take to PostgreSQL now (with
   * `userId`: of that user's bucket only).
   */
  flush(_userId?: string): Promise<number> {
    return Promise.resolve(0);
  }

  async history(input: ResolvedHistoryInput): Promise<Message[]> {
    const { userId, sessionId, query } = input;
    if (query.kind === 'window') {
      // Aligned, budgeted and filtered reads are PostgreSQL's (one call of history_window).
      await this.beforeDatabaseRead(userId, sessionId);
      return this.sql.history(input);
    }
    const read = await this.cache.readWindow(userId, sessionId, query);
    // A cached draft cannot tell that its lease ran out: drafts are read from PostgreSQL.
    if (read !== DOWN && read.kind === 'hit') {
      if (!read.messages.some((m) => m.status === 'streaming')) {
        this.health.stats.hits++;
        noteOnSpan({ 'convstore.cache.hit': true });
        return read.messages;
      }
    }
    this.health.stats.misses++;
    noteOnSpan({ 'convstore.cache.hit': false });
    if (read !== DOWN && read.kind === 'database' && read.pending > 0) {
      await this.flushFirst(userId);
    }
    const lease = read !== DOWN && read.kind === 'miss' ? read.leaseToken : null;
    let messages: Message[];
    try {
      messages = await this.sql.history(input);
    } catch (error) {
      // No such session (or PostgreSQL failed): give the refill lease back at once, or a
      // write-behind append creating the session would wait for it to lapse.
      if (lease) await this.cache.releaseLease(userId, sessionId, lease);
      throw error;
    }
    if (lease) this.refill(userId, sessionId, lease);
    return messages;
  }

  updateMessage(input: ResolvedUpdateMessageInput): Promise<Message> {
    return this.changeInDatabase(input, () => this.sql.updateMessage(input));
  }

  truncate(input: ResolvedTruncateInput): Promise<Deleted> {
    return this.changeInDatabase(input, () => this.sql.truncate(input));
  }

  popMessage(input: SessionKey): Promise<Message | null> {
    return this.changeInDatabase(input, () => this.sql.popMessage(input));
  }

  clearMessages(input: SessionKey): Promise<Deleted> {
    return this.changeInDatabase(input, () => this.sql.clearMessages(input));
  }

  deleteMessages(input: DeleteMessagesInput): Promise<Deleted> {
    return this.changeInDatabase(input, () => this.sql.deleteMessages(input));
  }

  transact(input: ResolvedTransactInput): Promise<TransactResult> {
    return this.changeInDatabase(input, () => this.sql.transact(input));
  }

  beginMessage(input: ResolvedAppendInput): Promise<BeginMessageResult> {
    return this.changeInDatabase(input, () => this.sql.beginMessage(input));
  }

  checkpointMessage(input: ResolvedCheckpointInput): Promise<Message> {
    return this.changeInDatabase(input, () => this.sql.checkpointMessage(input));
  }

  finalizeMessage(input: ResolvedFinalizeInput): Promise<Message> {
    return this.changeInDatabase(input, () => this.sql.finalizeMessage(input));
  }

  async listSessions(input: ListSessionsInput & { limit: number }): Promise<SessionPage> {
    await this.flushFirst(input.userId);
    return this.sql.listSessions(input);
  }

  putAgent(input: PutAgentInput): Promise<Agent> {
    return this.sql.putAgent(input);
  }

  async listAgents(): Promise<Agent[]> {
    await this.flushFirst();
    return this.sql.listAgents();
  }

  /** Reports from PostgreSQL, after write-behind has flushed what Redis acknowledged. */
  async usage(input: ResolvedUsageInput): Promise<UsageReport> {
    await this.flushFirst();
    return this.sql.usage(input);
  }

  /** From PostgreSQL, after writing what waits for the flusher (write-behind). */
  async search(input: ResolvedSearchInput): Promise<SearchPage> {
    await this.flushFirst(input.userId);
    return this.sql.search(input);
  }

  /** PostgreSQL must answer; Redis being away only degrades speed (see cacheStats). */
  async ping(): Promise<void> {
    await this.sql.ping();
  }

  /** Stops what the mode runs in the background (beforeClose), then closes the connections. */
  async close(): Promise<void> {
    await this.beforeClose();
    await Promise.allSettled([...this.refills]);
    await this.base.closeRedis();
    await this.sql.close();
  }

  /**
   * Brings PostgreSQL up to date before a call that reads it there (write-behind): of one user
   * (their bucket's stream) when the call reads only theirs, else of everyone.
   */
  protected async flushFirst(_userId?: string): Promise<void> {}

  /**
   * Before a read only PostgreSQL can answer, of one session: write-behind flushes that
   * session's queued entries first (or refuses while Redis is away).
   */
  protected async beforeDatabaseRead(_userId: string, _sessionId: string): Promise<void> {}

  protected async beforeClose(): Promise<void> {}

  private refill(userId: string, sessionId: string, token: string): void {
    const work = (async () => {
      const session = await this.sql.getSession({ userId, sessionId });
      const window = session
        ? await this.sql.history(newestOf(userId, sessionId, this.windowSize))
        : [];
      // The two reads are two snapshots: an append committed between them would leave a window
      // newer than its session's lastSeq, and the append's own cache update would then push its
      // message a second time. Such a refill is given up; the next miss tries again.
      const newest = window.at(-1)?.seq ?? session?.lastSeq;
      if (session && newest !== session.lastSeq) {
        await this.cache.releaseLease(userId, sessionId, token);
        return;
      }
      await this.cache.fill(userId, sessionId, token, session, window);
    })()
      .catch(() => {})
      .finally(() => this.refills.delete(work));
    this.refills.add(work);
  }
}

/** The newest `limit` messages of a session, as the SQL backend takes the query. */
export function newestOf(userId: string, sessionId: string, limit: number): ResolvedHistoryInput {
  return { userId, sessionId, query: { kind: 'newest', limit } };
}
