import type { ConversationStore } from '../../contract/store.js';
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
} from '../../contract/types.js';
import type { InputValidator } from '../../contract/validation.js';
import type { SqlStore } from '../sql/sql-store.js';
import type { CacheHealth, CacheStats } from './cache-health.js';
import type { WriteMode } from './cache-settings.js';
import { DOWN, type SessionCache } from './session-cache.js';

export interface CachedReadsOptions {
  sql: SqlStore;
  cache: SessionCache;
  health: CacheHealth;
  validator: InputValidator;
  windowSize: number;
  /** Closes the Redis connections the store opened. */
  closeRedis: () => Promise<void>;
}

/**
 * What both write modes share: history reads served from the cached window when it holds the
 * answer, else from PostgreSQL (refilling the cache in the background, under a lease any write
 * voids), and the calls that always go to PostgreSQL. The modes (write-through-store.ts,
 * write-behind-store.ts) supply the writes and a flush before PostgreSQL is read.
 */
export abstract class CachedReads implements ConversationStore {
  readonly kind = 'hybrid' as const;
  abstract readonly writeMode: WriteMode;
  protected readonly sql: SqlStore;
  protected readonly cache: SessionCache;
  protected readonly health: CacheHealth;
  protected readonly validate: InputValidator;
  protected readonly windowSize: number;
  private readonly refills = new Set<Promise<void>>();

  constructor(private readonly base: CachedReadsOptions) {
    this.sql = base.sql;
    this.cache = base.cache;
    this.health = base.health;
    this.validate = base.validator;
    this.windowSize = base.windowSize;
  }

  abstract append(input: AppendInput): Promise<AppendResult>;
  abstract getSession(input: SessionKey): Promise<Session | null>;
  abstract createSession(input: CreateSessionInput): Promise<Session>;
  abstract updateSession(input: UpdateSessionInput): Promise<Session>;
  abstract deleteSession(input: SessionKey): Promise<boolean>;
  abstract deleteUser(input: UserKey): Promise<DeletedCounts>;
  abstract cleanupExpired(input?: CleanupInput): Promise<DeletedCounts>;

  /** Counters for metrics and whether Redis answers. */
  cacheStats(): CacheStats {
    return { ...this.health.stats };
  }

  /** write-behind: writes every queued entry this process can take to PostgreSQL now. */
  flush(): Promise<number> {
    return Promise.resolve(0);
  }

  async history(input: HistoryInput): Promise<Message[]> {
    const { userId, sessionId, query } = this.validate.history(input);
    const read = await this.cache.readWindow(userId, sessionId, query);
    if (read !== DOWN && read.kind === 'hit') {
      this.health.stats.hits++;
      return read.messages;
    }
    this.health.stats.misses++;
    if (read !== DOWN && read.kind === 'database' && read.pending > 0) await this.flushFirst();
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

  async listSessions(input: ListSessionsInput): Promise<SessionPage> {
    this.validate.listSessions(input);
    await this.flushFirst();
    return this.sql.listSessions(input);
  }

  putAgent(input: PutAgentInput): Promise<Agent> {
    return this.sql.putAgent(input);
  }

  async listAgents(): Promise<Agent[]> {
    await this.flushFirst();
    return this.sql.listAgents();
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

  /** Brings PostgreSQL up to date before a call that reads it there (write-behind). */
  protected async flushFirst(): Promise<void> {}

  protected async beforeClose(): Promise<void> {}

  private refill(userId: string, sessionId: string, token: string): void {
    const work = (async () => {
      const session = await this.sql.getSession({ userId, sessionId });
      const window = session
        ? await this.sql.history({ userId, sessionId, last: this.windowSize })
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
