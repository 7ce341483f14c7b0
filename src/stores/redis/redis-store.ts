import { historyArgs } from './history-args.js';
import { randomUUID } from 'node:crypto';
import { BusyError, ConflictError, NotFoundError } from '../../contract/errors.js';
import type { SearchPage } from '../../contract/search.js';
import type {
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
import { UnsupportedError } from '../../contract/errors.js';
import type { StoreBackend } from '../../contract/store-backend.js';
import type { StoreCapabilities } from '../../contract/capabilities.js';
import type { ResolvedAppendInput, ResolvedHistoryInput } from '../../contract/validation.js';
import { decodeSessionCursor, encodeSessionCursor } from '../sql/session-cursor.js';
import type { RedisKeys } from './keys.js';
import { scanEveryNode } from './scan.js';
import { RedisPortability } from './redis-portability.js';
import type { RedisConnection } from './redis-connection.js';
import { toRedisStoreError } from './redis-errors.js';
import { SCRIPTS } from './scripts.generated.js';
import { defineScripts, runScript } from './scripts.js';
import {
  agentBody,
  agentFromJson,
  hashFromList,
  messageBody,
  messageFromItem,
  sessionFromHash,
} from './session-codec.js';

export interface RedisStoreOptions {
  connection: RedisConnection;
  keys: RedisKeys;
  ttlSeconds: number | null;
  maxHistory: number | null;
}

const NS = 'convstore_redis';

/**
 * The redis store: a list per session, a hash of session fields, a per-user index by activity,
 * TTL on every key. Every write is one Lua script (atomic, one round trip); reads are one script
 * or one command.
 */
export class RedisStore implements StoreBackend {
  readonly kind = 'redis' as const;
  readonly capabilities: StoreCapabilities;
  private readonly redis: RedisConnection;
  private readonly keys: RedisKeys;
  private readonly ttlMs: number;
  /** Agents this process has put in the catalogue: an append naming one costs no extra trip. */

  constructor(private readonly options: RedisStoreOptions) {
    this.redis = options.connection;
    this.keys = options.keys;
    this.ttlMs = (options.ttlSeconds ?? 0) * 1000;
    defineScripts(this.redis, NS, SCRIPTS);
    // Export and import of whole sessions (see PortableStore).
    this.capabilities = {
      portability: new RedisPortability({
        connection: this.redis,
        keys: this.keys,
        getSession: (key) => this.getSession(key),
        importScript: (keys, args) => this.script<number>('importSession', keys, args),
      }),
    };
  }

  async append(input: ResolvedAppendInput): Promise<AppendResult> {
    const { userId, sessionId, agentId, messages } = input;
    const args: Array<string | number> = [
      sessionId,
      this.ttlMs,
      this.options.maxHistory ?? 0,
      agentId ?? '',
    ];
    for (const message of messages) args.push(message.messageId, messageBody(message));
    const [hash, inserted, items] = await this.script<[string[], number, string[]]>(
      'append',
      this.keys.session(userId, sessionId),
      args,
    );
    return {
      session: sessionFromHash(userId, sessionId, hashFromList(hash)),
      messages: items.map(messageFromItem),
      inserted,
    };
  }

  async history(input: ResolvedHistoryInput): Promise<Message[]> {
    const { userId, sessionId, query } = input;
    if (query.kind === 'window') return notYet();
    const [meta, list] = this.keys.session(userId, sessionId);
    const args = historyArgs(query);
    const items = await this.script<string[] | null>('history', [meta, list], args);
    if (!items) throw new NotFoundError('session not found');
    return items.map(messageFromItem);
  }

  async createSession(input: CreateSessionInput & { sessionId: string }): Promise<Session> {
    const { userId, sessionId, agentId, title, metadata } = input;
    const hash = await this.script<string[] | null>(
      'createSession',
      this.keys.session(userId, sessionId),
      [
        sessionId,
        this.ttlMs,
        agentId ?? '',
        JSON.stringify(title ?? null),
        JSON.stringify(metadata ?? {}),
      ],
    );
    if (!hash) throw new ConflictError('this user already has a session with that id');
    return sessionFromHash(userId, sessionId, hashFromList(hash));
  }

  async getSession(input: SessionKey): Promise<Session | null> {
    const { userId, sessionId } = input;
    const [meta] = this.keys.session(userId, sessionId);
    const hash = await this.guard(() => this.redis.hgetall(meta));
    return hash.l === undefined ? null : sessionFromHash(userId, sessionId, hash);
  }

  async updateSession(input: UpdateSessionInput): Promise<Session> {
    const { userId, sessionId, agentId, title, metadata } = input;
    const hash = await this.script<string[] | null>(
      'updateSession',
      this.keys.session(userId, sessionId),
      [
        sessionId,
        this.ttlMs,
        agentId === undefined ? '0' : '1',
        agentId ?? '',
        title === undefined ? '0' : '1',
        JSON.stringify(title ?? null),
        metadata === undefined ? '0' : '1',
        JSON.stringify(metadata ?? {}),
      ],
    );
    if (!hash) throw new NotFoundError('session not found');
    return sessionFromHash(userId, sessionId, hashFromList(hash));
  }

  async deleteSession(input: SessionKey): Promise<boolean> {
    const { userId, sessionId } = input;
    const deleted = await this.script<number>(
      'deleteSession',
      this.keys.session(userId, sessionId),
      [sessionId],
    );
    return deleted === 1;
  }

  async listSessions(input: ListSessionsInput & { limit: number }): Promise<SessionPage> {
    const { userId, limit, cursor } = input;
    const position = cursor === undefined ? null : decodeSessionCursor(cursor);
    const flat = await this.script<Array<string | string[]>>(
      'listSessions',
      [this.keys.index(userId)],
      [this.keys.user(userId), position?.updatedMicros ?? '', position?.sessionId ?? '', limit + 1],
    );
    const rows: Array<{ micros: string; session: Session }> = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const sessionId = flat[i + 1] as string;
      rows.push({
        micros: flat[i] as string,
        session: sessionFromHash(userId, sessionId, hashFromList(flat[i + 2] as string[])),
      });
    }
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      sessions: page.map((row) => row.session),
      nextCursor:
        rows.length > limit && last
          ? encodeSessionCursor({ updatedMicros: last.micros, sessionId: last.session.sessionId })
          : null,
    };
  }

  async deleteUser(input: UserKey): Promise<DeletedCounts> {
    const { userId } = input;
    const [sessions, messages] = await this.script<[number, number]>(
      'deleteUser',
      [this.keys.index(userId), this.keys.counts(userId)],
      [this.keys.user(userId)],
    );
    return { sessions, messages };
  }

  async putAgent(input: PutAgentInput): Promise<Agent> {
    const { agentId, name, model, settings } = input;
    const json = await this.script<string>(
      'putAgent',
      [this.keys.agents],
      [agentId, agentBody({ name: name ?? null, model: model ?? null, settings: settings ?? {} })],
    );
    return agentFromJson(json);
  }

  async listAgents(): Promise<Agent[]> {
    const all = await this.guard(() => this.redis.hgetall(this.keys.agents));
    return Object.values(all)
      .map(agentFromJson)
      .sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
  }

  /**
   * Redis drops expired sessions by itself at their TTL; cleanup removes what still names them
   * (index and count entries), user by user, found with SCAN (never KEYS) on every master. One
   * runner at a time: a lock key with a token and an expiry, in case a runner dies holding it.
   */
  async cleanupExpired(input: { batchSize: number }): Promise<DeletedCounts> {
    const { batchSize } = input;
    const token = randomUUID();
    const locked = await this.guard(() =>
      this.redis.set(this.keys.cleanupLock, token, 'PX', CLEANUP_LOCK_MS, 'NX'),
    );
    if (locked !== 'OK') throw new BusyError('another cleanup is running; this one did nothing');
    const total: DeletedCounts = { sessions: 0, messages: 0 };
    try {
      // SCAN walks the whole keyspace whatever the pattern, so its step is large and fixed; each
      // user found is pruned in one script (batchSize only bounds how much SCAN returns at once).
      const step = Math.max(batchSize, SCAN_STEP);
      await scanEveryNode(this.redis, this.keys.countsPattern, step, async (countsKey) => {
        const base = countsKey.slice(0, -'counts'.length);
        const [sessions, messages] = await this.script<[number, number]>(
          'pruneUser',
          [`${base}sessions`, countsKey],
          [base],
        );
        total.sessions += sessions;
        total.messages += messages;
      });
      return total;
    } finally {
      await this.script('unlock', [this.keys.cleanupLock], [token]).catch(() => {});
    }
  }

  // The operations of structured messages arrive with the redis store's new layout.
  updateMessage(): Promise<never> {
    return notYet();
  }
  truncate(): Promise<never> {
    return notYet();
  }
  popMessage(): Promise<never> {
    return notYet();
  }
  clearMessages(): Promise<never> {
    return notYet();
  }
  deleteMessages(): Promise<never> {
    return notYet();
  }
  transact(): Promise<never> {
    return notYet();
  }
  beginMessage(): Promise<never> {
    return notYet();
  }
  checkpointMessage(): Promise<never> {
    return notYet();
  }
  finalizeMessage(): Promise<never> {
    return notYet();
  }

  /** Redis keeps no index of words: searching would mean reading every message. */
  search(): Promise<SearchPage> {
    return Promise.reject(
      new UnsupportedError(
        'the redis store cannot search messages: use postgres, pglite or the hybrid store',
      ),
    );
  }

  async ping(): Promise<void> {
    await this.guard(() => this.redis.ping());
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private script<T>(
    name: keyof typeof SCRIPTS,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<T> {
    return this.guard(() => runScript<T>(this.redis, NS, name, keys, args));
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toRedisStoreError(error);
    }
  }
}

/** Keys SCAN looks at per call: a Redis shared with other data may hold millions. */
const SCAN_STEP = 1000;

/** A cleanup lock outlives any sane run; it only matters when a runner dies holding it. */
const CLEANUP_LOCK_MS = 10 * 60 * 1000;

function notYet(): Promise<never> {
  return Promise.reject(new UnsupportedError('not supported by the redis store yet'));
}
