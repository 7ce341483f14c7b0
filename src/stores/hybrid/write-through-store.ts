import type {
  AppendInput,
  AppendResult,
  CleanupInput,
  CreateSessionInput,
  DeletedCounts,
  Session,
  SessionKey,
  UpdateSessionInput,
  UserKey,
} from '../../contract/types.js';
import { CachedReads } from './cached-reads.js';

/**
 * write-through: every write is acknowledged after the PostgreSQL commit, then applied to the
 * cache (an append extends the cached window when it continues where the cache ends; anything
 * else drops the cached session). When Redis is away, writes go on against PostgreSQL. A cached
 * window is served only when PostgreSQL's row shows it is current (committedSession): a writer
 * that died between its commit and its cache update leaves nothing in Redis that says so.
 */
export class WriteThroughStore extends CachedReads {
  readonly writeMode = 'write-through' as const;

  async append(input: AppendInput): Promise<AppendResult> {
    const result = await this.sql.append(input);
    await this.cache.afterAppend(input.userId, input.sessionId, result);
    return result;
  }

  /** PostgreSQL's row: reading it costs what proving a cached copy current would. */
  async getSession(input: SessionKey): Promise<Session | null> {
    this.validate.sessionKey(input);
    return this.sql.getSession(input);
  }

  async createSession(input: CreateSessionInput): Promise<Session> {
    const session = await this.sql.createSession(this.validate.createSession(input));
    await this.cache.invalidate(session.userId, session.sessionId);
    return session;
  }

  async updateSession(input: UpdateSessionInput): Promise<Session> {
    const { userId, sessionId } = this.validate.updateSession(input);
    const session = await this.sql.updateSession(input);
    await this.cache.invalidate(userId, sessionId, session);
    return session;
  }

  async deleteSession(input: SessionKey): Promise<boolean> {
    const { userId, sessionId } = this.validate.sessionKey(input);
    const deleted = await this.sql.deleteSession(input);
    await this.cache.invalidate(userId, sessionId);
    return deleted;
  }

  async deleteUser(input: UserKey): Promise<DeletedCounts> {
    const { userId } = this.validate.userKey(input);
    const counts = await this.sql.deleteUser(input);
    await this.cache.dropUser(userId);
    return counts;
  }

  async cleanupExpired(input?: CleanupInput): Promise<DeletedCounts> {
    this.validate.cleanup(input);
    return this.sql.cleanupExpired(input);
  }

  protected override committedSession(userId: string, sessionId: string): Promise<Session | null> {
    return this.sql.getSession({ userId, sessionId });
  }
}
