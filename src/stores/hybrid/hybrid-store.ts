import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  IdempotencyMismatchError,
  UnavailableError,
} from '../../contract/errors.js';
import type { ResolvedUsageInput, UsageReport } from '../../contract/usage.js';
import type {
  BeginMessageResult,
  Deleted,
  DeleteMessagesInput,
  TransactResult,
  Agent,
  AppendResult,
  CreateSessionInput,
  DeletedCounts,
  ListSessionsInput,
  Message,
  PutAgentInput,
  Session,
  SessionKey,
  SessionPage,
  UpdateSessionInput,
  UserKey,
} from '../../contract/types.js';
import type { StoreBackend } from '../../contract/store-backend.js';
import type { StoreCapabilities } from '../../contract/capabilities.js';
import type {
  ResolvedAppendInput,
  ResolvedCheckpointInput,
  ResolvedFinalizeInput,
  ResolvedHistoryInput,
  ResolvedTransactInput,
  ResolvedTruncateInput,
  ResolvedUpdateMessageInput,
} from '../../contract/validation.js';
import {
  messageBody,
  sessionFromHash,
  hashFromList,
  messageFromItem,
} from '../redis/session-codec.js';
import type { SqlStore } from '../sql/sql-store.js';
import { noteOnSpan } from '../../telemetry/span-notes.js';
import type { CacheHealth, CacheStats } from './cache-health.js';
import { DOWN, type SessionCache } from './session-cache.js';
import type { StreamFlusher } from './stream-flusher.js';
import type { WriteBehindCleanup } from './write-behind-cleanup.js';

export type WriteMode = 'write-through' | 'write-behind';

export interface HybridStoreOptions {
  sql: SqlStore;
  cache: SessionCache;
  health: CacheHealth;
  writeMode: WriteMode;
  ttlSeconds: number | null;
  maxHistory: number | null;
  windowSize: number;
  maxPending: number;
  /** write-behind only. */
  flusher: StreamFlusher | undefined;
  /** write-behind only: cleanup that checks Redis before reclaiming a session. */
  cleanup: WriteBehindCleanup | undefined;
  /** Closes the Redis connections the store opened. */
  closeRedis: () => Promise<void>;
}

/**
 * Redis in front of PostgreSQL. Reads come from the cached window when it holds the answer, else
 * from PostgreSQL (refilling the cache in the background). Writes are acknowledged after the
 * PostgreSQL commit (write-through) or after one atomic Redis script that also queues the
 * messages for the flusher (write-behind). When Redis is away, write-through goes on against
 * PostgreSQL; write-behind refuses every write, cleanup included (UnavailableError), rather than
 * write PostgreSQL behind entries it cannot see, and goes on reading from PostgreSQL.
 */
export class HybridStore implements StoreBackend {
  readonly kind = 'hybrid' as const;
  readonly writeMode: WriteMode;
  readonly capabilities: StoreCapabilities;
  private readonly sql: SqlStore;
  private readonly cache: SessionCache;
  private readonly refills = new Set<Promise<void>>();

  constructor(private readonly options: HybridStoreOptions) {
    this.sql = options.sql;
    this.cache = options.cache;
    this.writeMode = options.writeMode;
    this.capabilities = {
      flush: () => this.flush(),
      cacheStats: () => this.cacheStats(),
      writeMode: options.writeMode,
    };
  }

  /** Counters for metrics and whether Redis answers. */
  cacheStats(): CacheStats {
    return { ...this.options.health.stats };
  }

  /** write-behind: the stream of writes waiting for PostgreSQL (queue depth and lag metrics). */
  writeBehindStream() {
    return this.options.flusher ? { redis: this.cache.redis, key: this.cache.streamKey } : null;
  }

  /** write-behind: writes every queued entry this process can take to PostgreSQL now. */
  async flush(): Promise<number> {
    return this.options.flusher ? this.options.flusher.flushNow() : 0;
  }

  async append(input: ResolvedAppendInput): Promise<AppendResult> {
    if (this.writeMode === 'write-behind') return this.appendBehind(input);
    const result = await this.sql.append(input);
    await this.cache.afterAppend(input.userId, input.sessionId, result);
    return result;
  }

  async history(input: ResolvedHistoryInput): Promise<Message[]> {
    const { userId, sessionId, query } = input;
    if (query.kind === 'window') {
      // Aligned, budgeted and filtered reads are PostgreSQL's (one call of history_window).
      await this.flushIfPending(userId, sessionId);
      return this.sql.history(input);
    }
    const read = await this.cache.readWindow(userId, sessionId, query);
    // A cached draft cannot tell that its lease ran out: drafts are read from PostgreSQL.
    if (read.kind === 'hit' && !read.messages.some((m) => m.status === 'streaming')) {
      this.options.health.stats.hits++;
      noteOnSpan({ 'convstore.cache.hit': true });
      return read.messages;
    }
    this.options.health.stats.misses++;
    noteOnSpan({ 'convstore.cache.hit': false });
    if (read.kind === 'database' && read.pending > 0) await this.flushFirst();
    const lease = read.kind === 'miss' ? read.leaseToken : null;
    if (read.kind === 'hit') return this.sql.history(input);
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

  /**
   * Changes to stored messages beyond appends are made in PostgreSQL, and the cached session is
   * dropped after (the next read refills it). In write-behind the session's queued appends are
   * flushed first, so the change applies after every message acknowledged before it; while that
   * cannot be done (Redis or PostgreSQL away) the change is refused and nothing happens.
   */
  private async changeInDatabase<T>(key: SessionKey, work: () => Promise<T>): Promise<T> {
    const { userId, sessionId } = key;
    if (this.writeMode === 'write-through') {
      const result = await work();
      await this.cache.invalidate(userId, sessionId);
      return result;
    }
    await this.flushIfPending(userId, sessionId);
    const hash = await this.cache.probe(userId, sessionId);
    if (hash === DOWN) throw cacheDown('change messages');
    if (hash && Number(hash.p ?? 0) > 0) {
      throw new UnavailableError(
        'queued messages of this session are not in PostgreSQL yet; retry',
      );
    }
    const result = await work();
    await this.cache.dropSession(userId, sessionId, true);
    return result;
  }

  async getSession(input: SessionKey): Promise<Session | null> {
    const { userId, sessionId } = input;
    const hash = await this.cache.sessionHash(userId, sessionId);
    if (hash) {
      const session = sessionFromHash(userId, sessionId, hash);
      if (session.expiresAt && session.expiresAt.getTime() <= Date.now()) return null;
      return session;
    }
    return this.sql.getSession(input);
  }

  async createSession(input: CreateSessionInput & { sessionId: string }): Promise<Session> {
    const valid = input;
    if (this.writeMode === 'write-behind') {
      // Without Redis, a live session whose newer expiry is only there would look expired in
      // PostgreSQL, and creating it again would wipe its history: refuse.
      const hash = await this.cache.probe(valid.userId, valid.sessionId);
      if (hash === DOWN) throw cacheDown('create a session');
      // A session may so far live only in Redis (its newest expiry not flushed yet).
      const live = hash && sessionFromHash(valid.userId, valid.sessionId, hash);
      if (live && !(live.expiresAt && live.expiresAt.getTime() <= Date.now())) {
        throw new ConflictError('this user already has a session with that id');
      }
    }
    const session = await this.sql.createSession(valid);
    if (this.writeMode === 'write-behind') {
      // An expired incarnation may still be cached with entries queued: they are discarded.
      await this.cache.dropSession(session.userId, session.sessionId, true);
    } else {
      await this.cache.invalidate(session.userId, session.sessionId);
    }
    return session;
  }

  async updateSession(input: UpdateSessionInput): Promise<Session> {
    const { userId, sessionId } = input;
    await this.flushIfPending(userId, sessionId);
    const session = await this.sql.updateSession(input);
    await this.cache.invalidate(userId, sessionId, session);
    return session;
  }

  async deleteSession(input: SessionKey): Promise<boolean> {
    const { userId, sessionId } = input;
    if (this.writeMode === 'write-through') {
      const deleted = await this.sql.deleteSession(input);
      await this.cache.invalidate(userId, sessionId);
      return deleted;
    }
    // write-behind: the cached session goes first, whatever waits for the flusher (so it is not
    // served again), then the row; the queued entries of that incarnation are discarded by the
    // flusher (flush-claim.sql). Dropped again after the delete: a concurrent append may have
    // loaded the old row meanwhile. Without Redis the cache could not be dropped: refuse.
    if (!(await this.cache.dropSession(userId, sessionId, false))) {
      throw cacheDown('delete a session');
    }
    const deleted = await this.sql.deleteSession(input);
    await this.cache.dropSession(userId, sessionId, true);
    return deleted;
  }

  async listSessions(input: ListSessionsInput & { limit: number }): Promise<SessionPage> {
    await this.flushFirst();
    return this.sql.listSessions(input);
  }

  async deleteUser(input: UserKey): Promise<DeletedCounts> {
    const { userId } = input;
    if (this.writeMode === 'write-through') {
      const counts = await this.sql.deleteUser(input);
      await this.cache.dropUser(userId);
      return counts;
    }
    // write-behind: as deleteSession, for every session of the user. Flushing first only makes
    // the counts include what this process could write; nothing queued can bring a row back.
    await this.flushFirst();
    if (!(await this.cache.dropUser(userId, false))) throw cacheDown('erase a user');
    const counts = await this.sql.deleteUser(input);
    await this.cache.dropUser(userId);
    return counts;
  }

  putAgent(input: PutAgentInput): Promise<Agent> {
    return this.sql.putAgent(input);
  }

  /** Reports from PostgreSQL, after write-behind has flushed what Redis acknowledged. */
  async usage(input: ResolvedUsageInput): Promise<UsageReport> {
    await this.flushFirst();
    return this.sql.usage(input);
  }

  async listAgents(): Promise<Agent[]> {
    await this.flushFirst();
    return this.sql.listAgents();
  }

  async cleanupExpired(input: { batchSize: number }): Promise<DeletedCounts> {
    const { batchSize } = input;
    const cleanup = this.options.cleanup;
    if (!cleanup) return this.sql.cleanupExpired(input);
    // write-behind: PostgreSQL's expiry lags Redis's; every candidate is checked there first.
    await this.flushFirst();
    const { sessions, messages } = await cleanup.run(batchSize);
    return { sessions, messages };
  }

  /** PostgreSQL must answer; Redis being away only degrades speed (see cacheStats). */
  async ping(): Promise<void> {
    await this.sql.ping();
  }

  /** Stops the flusher after writing what it can (write-behind), then closes the connections. */
  async close(): Promise<void> {
    const flusher = this.options.flusher;
    if (flusher) {
      await flusher.stop();
      await flusher.flushNow().catch(() => {});
    }
    await Promise.allSettled([...this.refills]);
    await this.options.closeRedis();
    await this.sql.close();
  }

  /**
   * write-behind: one Lua call appends to the cached window and queues the messages. A session
   * not cached is loaded from PostgreSQL first (which has all of it: a session with queued
   * entries is never evicted), under the refill lease.
   */
  private async appendBehind(input: ResolvedAppendInput): Promise<AppendResult> {
    const { userId, sessionId, agentId, messages } = input;
    // What this instance could not keep in step goes first, as before any cache call.
    if (!(await this.cache.ready())) throw cacheDown('append (write-behind)');
    let created: Created = NOT_CREATED;
    for (let attempt = 0; attempt < LOAD_ATTEMPTS; attempt++) {
      const keys = this.cache.keys(userId, sessionId);
      const args: Array<string | number> = [
        userId,
        sessionId,
        (this.options.ttlSeconds ?? 0) * 1000,
        this.options.maxHistory ?? 0,
        this.options.windowSize,
        agentId ?? '',
        this.options.maxPending,
        created.token,
        created.createdAt,
      ];
      for (const message of messages) args.push(message.messageId, messageBody(message));
      const reply = await this.cache.attempt(() =>
        this.cache.script<[number, string[]?, number?, string[]?]>(
          'writeBehindAppend',
          [...keys.slice(0, 4), this.cache.streamKey],
          args,
        ),
      );
      // Not a fallback to PostgreSQL: with entries of this session queued (unknowable while Redis
      // does not answer), a direct write would take seqs out of order; and after a timeout the
      // script may have run. Nothing is acknowledged; the client retries with its messageIds.
      if (reply === DOWN) throw cacheDown('append (write-behind)');
      const [code, hash, inserted, items] = reply;
      if (code === 1) {
        return {
          session: sessionFromHash(userId, sessionId, hashFromList(hash!)),
          messages: items!.map(messageFromItem),
          inserted: inserted!,
        };
      }
      if (code === -2) {
        throw new IdempotencyMismatchError(
          'a retried messageId carries other fields than the stored message; use a new messageId',
        );
      }
      if (code === -1) {
        this.options.health.stats.refused++;
        throw new UnavailableError(
          'write-behind queue is full: PostgreSQL has not taken the queued writes; retry later',
        );
      }
      noteOnSpan({ 'convstore.retries': attempt + 1 });
      created = await this.load(userId, sessionId, agentId, attempt);
    }
    throw new UnavailableError('could not load the session into the cache; retry');
  }

  /**
   * Loads a session into the cache. When PostgreSQL has no live row of it, creates one (a new
   * incarnation: its created_at tags every entry queued for it, see flush-claim.sql) and returns
   * the lease token and that created_at for the script to start the session from.
   */
  private async load(
    userId: string,
    sessionId: string,
    agentId: string | undefined,
    attempt: number,
  ): Promise<Created> {
    const [, , , lease] = this.cache.keys(userId, sessionId);
    const token = randomUUID();
    const taken = await this.cache.attempt(() =>
      this.cache.redis.set(lease, token, 'PX', 5000, 'NX'),
    );
    if (taken !== 'OK') {
      // Someone else is loading it: give them a moment.
      await new Promise((resolve) => setTimeout(resolve, 2 + attempt * 5));
      return NOT_CREATED;
    }
    try {
      const session = await this.sql.getSession({ userId, sessionId });
      if (!session) return await this.createRow(userId, sessionId, agentId, token);
      const window = await this.sql.history(newestOf(userId, sessionId, this.options.windowSize));
      await this.cache.fill(userId, sessionId, token, session, window);
      return NOT_CREATED;
    } catch (error) {
      // PostgreSQL is away: free the lease at once rather than let it block others for seconds.
      await this.cache.releaseLease(userId, sessionId, token);
      throw error;
    }
  }

  private async createRow(
    userId: string,
    sessionId: string,
    agentId: string | undefined,
    token: string,
  ): Promise<Created> {
    try {
      const session = await this.sql.createSession({
        userId,
        sessionId,
        ...(agentId === undefined ? {} : { agentId }),
      });
      return { token, createdAt: String(session.createdAt.getTime() * 1000) };
    } catch (error) {
      // Created by someone else since getSession: free the lease, the next attempt loads it.
      if (!(error instanceof ConflictError)) throw error;
      await this.cache.releaseLease(userId, sessionId, token);
      return NOT_CREATED;
    }
  }

  private refill(userId: string, sessionId: string, token: string): void {
    const work = (async () => {
      const session = await this.sql.getSession({ userId, sessionId });
      const window = session
        ? await this.sql.history(newestOf(userId, sessionId, this.options.windowSize))
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

  /**
   * write-behind, before an update: without Redis the cached fields could not be changed with
   * the row (a cached session with queued entries cannot simply be dropped): refuse.
   */
  private async flushIfPending(userId: string, sessionId: string): Promise<void> {
    if (this.writeMode !== 'write-behind') return;
    const hash = await this.cache.probe(userId, sessionId);
    if (hash === DOWN) throw cacheDown('update a session');
    if (hash && Number(hash.p ?? 0) > 0) await this.flushFirst();
  }

  /**
   * write-behind: brings PostgreSQL up to date before a call that reads or changes it there.
   * Best effort: if Redis is away there is nothing to take, and if PostgreSQL is, the call that
   * follows says so.
   */
  private async flushFirst(): Promise<void> {
    await this.flush().catch(() => {});
  }
}

function newestOf(userId: string, sessionId: string, limit: number): ResolvedHistoryInput {
  return { userId, sessionId, query: { kind: 'newest', limit } };
}

interface Created {
  /** The refill lease token held while the row was created ('' when not created). */
  token: string;
  /** The new row's created_at, epoch us at millisecond precision ('' when not created). */
  createdAt: string;
}

const NOT_CREATED: Created = { token: '', createdAt: '' };

function cacheDown(what: string): UnavailableError {
  return new UnavailableError(`Redis does not answer: cannot ${what} in write-behind mode; retry`);
}

/** Tries to load a missing session into the cache before giving up (contention only). */
const LOAD_ATTEMPTS = 20;
