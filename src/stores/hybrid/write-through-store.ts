import { ConvstoreError } from '../../contract/errors.js';
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
import { CachedReads, type CachedReadsOptions } from './cached-reads.js';
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

  constructor(options: CachedReadsOptions) {
    super(options, 'write-through');
  }

  async append(input: ResolvedAppendInput): Promise<AppendResult> {
    const { userId, sessionId } = input;
    const mark = await this.cache.beginWrite(userId, sessionId);
    const result = await this.settled(mark, this.sql.append(input));
    await this.cache.afterAppend(userId, sessionId, result, mark);
    return result;
  }

  /** PostgreSQL's row: no cached copy to prove current (a write mark may stand on it). */
  getSession(input: SessionKey): Promise<Session | null> {
    return this.sql.getSession(input);
  }

  async createSession(input: CreateSessionInput & { sessionId: string }): Promise<Session> {
    const mark = await this.cache.beginWrite(input.userId, input.sessionId);
    const session = await this.settled(mark, this.sql.createSession(input));
    await this.cache.invalidate(session.userId, session.sessionId, undefined, mark);
    return session;
  }

  async updateSession(input: UpdateSessionInput): Promise<Session> {
    const { userId, sessionId } = input;
    const mark = await this.cache.beginWrite(userId, sessionId);
    const session = await this.settled(mark, this.sql.updateSession(input));
    await this.cache.invalidate(userId, sessionId, session, mark);
    return session;
  }

  async deleteSession(input: SessionKey): Promise<boolean> {
    const { userId, sessionId } = input;
    const mark = await this.cache.beginWrite(userId, sessionId);
    const deleted = await this.settled(mark, this.sql.deleteSession(input));
    await this.cache.invalidate(userId, sessionId, undefined, mark);
    return deleted;
  }

  async deleteUser(input: UserKey): Promise<DeletedCounts> {
    const { userId } = input;
    const mark = await this.cache.beginWrite(userId, null);
    const counts = await this.settled(mark, this.sql.deleteUser(input));
    await this.cache.dropUser(userId);
    await this.cache.endWrite(mark);
    return counts;
  }

  cleanupExpired(input: { batchSize: number }): Promise<DeletedCounts> {
    return this.sql.cleanupExpired(input);
  }

  /**
   * A change to stored messages (update, truncate, pop, clear, delete, transact, drafts): made
   * in PostgreSQL under the session's write mark, like every write, then the cached session is
   * dropped (the next read refills it) and the mark cleared.
   */
  protected async changeInDatabase<T>(key: SessionKey, work: () => Promise<T>): Promise<T> {
    const { userId, sessionId } = key;
    const mark = await this.cache.beginWrite(userId, sessionId);
    const result = await this.settled(mark, work());
    await this.cache.invalidate(userId, sessionId, undefined, mark);
    return result;
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
const REFUSED = new Set([
  'invalid_input',
  'not_found',
  'conflict',
  'idempotency_mismatch',
  'version_conflict',
  'lease_conflict',
  'operation_conflict',
  'unsupported',
]);
