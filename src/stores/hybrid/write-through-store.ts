import { ConvstoreError } from '../../contract/errors.js';
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
import type { WriteMark } from './session-cache.js';

/**
 * write-through: every write is acknowledged after the PostgreSQL commit, then applied to the
 * cache (an append extends the cached window when it continues where the cache ends; anything
 * else drops the cached session). Before PostgreSQL is written, the session is marked in Redis
 * (SessionCache.beginWrite), and the cache update clears the mark: a writer that dies in between
 * leaves it, and readers go to PostgreSQL until it is repaired. When Redis is away, writes go on
 * against PostgreSQL.
 */
export class WriteThroughStore extends CachedReads {
  readonly writeMode = 'write-through' as const;

  async append(input: AppendInput): Promise<AppendResult> {
    const { userId, sessionId } = this.validate.append(input);
    const mark = await this.cache.beginWrite(userId, sessionId);
    const result = await this.settled(mark, this.sql.append(input));
    await this.cache.afterAppend(userId, sessionId, result, mark);
    return result;
  }

  /** PostgreSQL's row: no cached copy to prove current (a write mark may stand on it). */
  async getSession(input: SessionKey): Promise<Session | null> {
    this.validate.sessionKey(input);
    return this.sql.getSession(input);
  }

  async createSession(input: CreateSessionInput): Promise<Session> {
    const valid = this.validate.createSession(input);
    const mark = await this.cache.beginWrite(valid.userId, valid.sessionId);
    const session = await this.settled(mark, this.sql.createSession(valid));
    await this.cache.invalidate(session.userId, session.sessionId, undefined, mark);
    return session;
  }

  async updateSession(input: UpdateSessionInput): Promise<Session> {
    const { userId, sessionId } = this.validate.updateSession(input);
    const mark = await this.cache.beginWrite(userId, sessionId);
    const session = await this.settled(mark, this.sql.updateSession(input));
    await this.cache.invalidate(userId, sessionId, session, mark);
    return session;
  }

  async deleteSession(input: SessionKey): Promise<boolean> {
    const { userId, sessionId } = this.validate.sessionKey(input);
    const mark = await this.cache.beginWrite(userId, sessionId);
    const deleted = await this.settled(mark, this.sql.deleteSession(input));
    await this.cache.invalidate(userId, sessionId, undefined, mark);
    return deleted;
  }

  async deleteUser(input: UserKey): Promise<DeletedCounts> {
    const { userId } = this.validate.userKey(input);
    const mark = await this.cache.beginWrite(userId, null);
    const counts = await this.settled(mark, this.sql.deleteUser(input));
    await this.cache.dropUser(userId);
    await this.cache.endWrite(mark);
    return counts;
  }

  async cleanupExpired(input?: CleanupInput): Promise<DeletedCounts> {
    this.validate.cleanup(input);
    return this.sql.cleanupExpired(input);
  }

  /**
   * The write's outcome. A write PostgreSQL refused (bad input, not found, conflict) committed
   * nothing: its mark is cleared at once. Any other failure may have committed (a connection
   * lost during the commit): the mark stays until it is abandoned and repaired.
   */
  private async settled<T>(mark: WriteMark | null, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } catch (error) {
      if (error instanceof ConvstoreError && REFUSED.has(error.code)) {
        await this.cache.endWrite(mark);
      } else {
        mark?.settle();
      }
      throw error;
    }
  }
}

/** Error codes with which PostgreSQL refused a write before committing anything. */
const REFUSED = new Set(['invalid_input', 'not_found', 'conflict']);
