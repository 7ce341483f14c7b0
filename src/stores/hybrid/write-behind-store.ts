import { ConflictError, UnavailableError } from '../../contract/errors.js';
import type {
  AppendResult,
  CreateSessionInput,
  DeletedCounts,
  Session,
  SessionKey,
  UpdateSessionInput,
  UserKey,
} from '../../contract/types.js';
import type { ResolvedAppendInput } from '../../contract/validation.js';
import { sessionFromHash } from '../redis/session-codec.js';
import { noteOnSpan } from '../../telemetry/span-notes.js';
import { CachedReads, newestOf, type CachedReadsOptions } from './cached-reads.js';
import { DOWN } from './session-cache.js';
import { scriptError, SCRIPT_RESULT } from './scripts/script-results.js';
import type { WriteBehindAppendSpec } from './scripts/write-behind-append.js';
import type { StreamFlusher } from './stream-flusher.js';
import type { WriteBehindCleanup } from './write-behind-cleanup.js';

export interface WriteBehindStoreOptions extends CachedReadsOptions {
  ttlSeconds: number | null;
  maxHistory: number | null;
  maxPending: number;
  flusher: StreamFlusher;
  /** Cleanup that checks Redis before reclaiming a session. */
  cleanup: WriteBehindCleanup;
}

/**
 * write-behind: an append is acknowledged after one atomic Redis script that appends to the
 * cached window and queues the messages for the flusher. Without Redis it refuses every write,
 * cleanup included (UnavailableError), rather than write PostgreSQL behind entries it cannot
 * see, and goes on reading from PostgreSQL (which lacks what is still queued).
 */
export class WriteBehindStore extends CachedReads {
  readonly writeMode = 'write-behind' as const;

  constructor(private readonly options: WriteBehindStoreOptions) {
    super(options, 'write-behind');
  }

  /** Writes every queued entry this process can take to PostgreSQL now. */
  override flush(userId?: string): Promise<number> {
    return this.options.flusher.flushNow(userId);
  }

  append(input: ResolvedAppendInput): Promise<AppendResult> {
    return this.appendBehind(input);
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
    // Without Redis, a live session whose newer expiry is only there would look expired in
    // PostgreSQL, and creating it again would wipe its history: refuse.
    const hash = await this.cache.probe(valid.userId, valid.sessionId);
    if (hash === DOWN) throw cacheDown('create a session');
    // A session may so far live only in Redis (its newest expiry not flushed yet).
    const live = hash && sessionFromHash(valid.userId, valid.sessionId, hash);
    if (live && !(live.expiresAt && live.expiresAt.getTime() <= Date.now())) {
      throw new ConflictError('this user already has a session with that id');
    }
    const session = await this.sql.createSession(valid);
    // An expired incarnation may still be cached with entries queued: they are discarded.
    await this.cache.dropSession(session.userId, session.sessionId, true);
    return session;
  }

  async updateSession(input: UpdateSessionInput): Promise<Session> {
    const { userId, sessionId } = input;
    // Without Redis the cached fields could not be changed with the row (a cached session with
    // queued entries cannot simply be dropped): refuse.
    await this.flushIfPending(userId, sessionId, 'update a session');
    const session = await this.sql.updateSession(input);
    await this.cache.invalidate(userId, sessionId, session);
    return session;
  }

  async deleteSession(input: SessionKey): Promise<boolean> {
    const { userId, sessionId } = input;
    // The cached session goes first, whatever waits for the flusher (so it is not served
    // again), then the row; the queued entries of that incarnation are discarded by the flusher
    // (flush-claim.sql). Dropped again after the delete: a concurrent append may have loaded the
    // old row meanwhile. Without Redis the cache could not be dropped: refuse.
    if (!(await this.cache.dropSession(userId, sessionId, false))) {
      throw cacheDown('delete a session');
    }
    const deleted = await this.sql.deleteSession(input);
    await this.cache.dropSession(userId, sessionId, true);
    return deleted;
  }

  async deleteUser(input: UserKey): Promise<DeletedCounts> {
    const { userId } = input;
    // As deleteSession, for every session of the user. Flushing first only makes the counts
    // include what this process could write; nothing queued can bring a row back.
    await this.flushFirst(userId);
    if (!(await this.cache.dropUser(userId, false))) throw cacheDown('erase a user');
    const counts = await this.sql.deleteUser(input);
    await this.cache.dropUser(userId);
    return counts;
  }

  async cleanupExpired(input: { batchSize: number }): Promise<DeletedCounts> {
    const { batchSize } = input;
    // PostgreSQL's expiry lags Redis's; every candidate is checked there first.
    await this.flushFirst();
    const { sessions, messages } = await this.options.cleanup.run(batchSize);
    return { sessions, messages };
  }

  /**
   * A change to stored messages beyond appends: the session's queued appends are flushed first,
   * so the change applies after every message acknowledged before it, then it is made in
   * PostgreSQL and the cached session dropped (the next read refills it). While that cannot be
   * done (Redis or PostgreSQL away, entries of the session left queued) it is refused and
   * nothing happens.
   */
  protected async changeInDatabase<T>(key: SessionKey, work: () => Promise<T>): Promise<T> {
    const { userId, sessionId } = key;
    await this.flushIfPending(userId, sessionId, 'change messages');
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

  /** A windowed read of PostgreSQL: the session's queued entries are written there first. */
  protected override async beforeDatabaseRead(userId: string, sessionId: string): Promise<void> {
    await this.flushIfPending(userId, sessionId, 'read a history window');
  }

  /** Flushes when the session has queued entries; refuses while Redis is away (unknowable). */
  private async flushIfPending(userId: string, sessionId: string, what: string): Promise<void> {
    const hash = await this.cache.probe(userId, sessionId);
    if (hash === DOWN) throw cacheDown(what);
    if (hash && Number(hash.p ?? 0) > 0) await this.flushFirst(userId);
  }

  /**
   * Best effort: if Redis is away there is nothing to take, and if PostgreSQL is, the call that
   * follows says so.
   */
  protected override async flushFirst(userId?: string): Promise<void> {
    await this.flush(userId).catch(() => {});
  }

  /** Stops the flusher after writing what it can. */
  protected override async beforeClose(): Promise<void> {
    await this.options.flusher.stop();
    await this.options.flusher.flushNow().catch(() => {});
  }

  /**
   * One Lua call appends to the cached window and queues the messages. A session not cached is
   * loaded from PostgreSQL first (which has all of it: a session with queued entries is never
   * evicted), under the refill lease.
   */
  private async appendBehind(input: ResolvedAppendInput): Promise<AppendResult> {
    const { userId, sessionId, agentId } = input;
    // What this instance could not keep in step goes first, as before any cache call.
    if (!(await this.cache.ready())) throw cacheDown('append (write-behind)');
    let created: WriteBehindAppendSpec['created'] = null;
    for (let attempt = 0; attempt < LOAD_ATTEMPTS; attempt++) {
      const reply = await this.cache.appendBehind({
        input,
        ttlSeconds: this.options.ttlSeconds,
        maxHistory: this.options.maxHistory,
        windowSize: this.windowSize,
        maxPending: this.options.maxPending,
        created,
      });
      // Not a fallback to PostgreSQL: with entries of this session queued (unknowable while Redis
      // does not answer), a direct write would take seqs out of order; and after a timeout the
      // script may have run. Nothing is acknowledged; the client retries with its messageIds.
      if (reply === DOWN) throw cacheDown('append (write-behind)');
      if (reply.kind === 'appended') return reply.result;
      if (reply.kind === 'refused') {
        if (reply.code === SCRIPT_RESULT.queueFull) this.health.stats.refused++;
        throw scriptError(reply.code)!;
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
  ): Promise<WriteBehindAppendSpec['created']> {
    const token = await this.cache.takeLease(userId, sessionId);
    if (token === DOWN || token === null) {
      // Someone else is loading it: give them a moment.
      await new Promise((resolve) => setTimeout(resolve, 2 + attempt * 5));
      return null;
    }
    try {
      const session = await this.sql.getSession({ userId, sessionId });
      if (!session) return await this.createRow(userId, sessionId, agentId, token);
      const window = await this.sql.history(newestOf(userId, sessionId, this.windowSize));
      await this.cache.fill(userId, sessionId, token, session, window);
      return null;
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
  ): Promise<WriteBehindAppendSpec['created']> {
    try {
      const session = await this.sql.createSession({
        userId,
        sessionId,
        ...(agentId === undefined ? {} : { agentId }),
      });
      return { leaseToken: token, createdAtUs: String(session.createdAt.getTime() * 1000) };
    } catch (error) {
      // Created by someone else since getSession: free the lease, the next attempt loads it.
      if (!(error instanceof ConflictError)) throw error;
      await this.cache.releaseLease(userId, sessionId, token);
      return null;
    }
  }
}

function cacheDown(what: string): UnavailableError {
  return new UnavailableError(`Redis does not answer: cannot ${what} in write-behind mode; retry`);
}

/** Tries to load a missing session into the cache before giving up (contention only). */
const LOAD_ATTEMPTS = 20;
