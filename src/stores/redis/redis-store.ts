import { randomUUID } from 'node:crypto';
import { BusyError, InternalError, UnsupportedError } from '../../contract/errors.js';
import type { UsageReport } from '../../contract/usage.js';
import type { StoreCapabilities } from '../../contract/capabilities.js';
import { SessionChangeFeed, sessionSignalKey } from '../change-feed/session-change-feed.js';
import type { ChangeSignal } from './script-call.js';
import { subscribeChanges } from './subscribe-changes.js';
import type { StoreBackend } from '../../contract/store-backend.js';
import type { SearchPage } from '../../contract/search.js';
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
  ResolvedTransactInput,
  ResolvedTruncateInput,
  ResolvedUpdateMessageInput,
} from '../../contract/validation.js';
import { decodeSessionCursor, encodeSessionCursor } from '../sql/session-cursor.js';
import type { RedisKeys } from './keys.js';
import { RedisPortability } from './redis-portability.js';
import { importSessionCall } from './scripts/import-session.js';
import type { RedisConnection } from './redis-connection.js';
import { toRedisStoreError } from './redis-errors.js';
import { scanEveryNode } from './scan.js';
import type { ScriptCall, WriteSettings } from './script-call.js';
import { defineScripts, runScript, SCRIPT_NAMESPACE, storeScripts } from './scripts.js';
import { appendCall } from './scripts/append.js';
import { beginMessageCall } from './scripts/begin-message.js';
import { checkpointMessageCall } from './scripts/checkpoint-message.js';
import { clearMessagesCall } from './scripts/clear-messages.js';
import { createSessionCall } from './scripts/create-session.js';
import { deleteMessagesCall } from './scripts/delete-messages.js';
import { deleteSessionCall } from './scripts/delete-session.js';
import { userSweepCall } from './scripts/delete-user.js';
import { finalizeMessageCall } from './scripts/finalize-message.js';
import { historyCall } from './scripts/history.js';
import { listSessionsCall } from './scripts/list-sessions.js';
import { popMessageCall } from './scripts/pop-message.js';
import { pruneUserCall } from './scripts/prune-user.js';
import { putAgentCall } from './scripts/put-agent.js';
import { transactCall } from './scripts/transact.js';
import { truncateCall } from './scripts/truncate.js';
import { unlockCall } from './scripts/unlock.js';
import { updateMessageCall } from './scripts/update-message.js';
import { updateSessionCall } from './scripts/update-session.js';
import { agentFromJson, isSessionHash, sessionFromHash } from './session-codec.js';

export interface RedisStoreOptions {
  connection: RedisConnection;
  keys: RedisKeys;
  ttlSeconds: number | null;
  maxHistory: number | null;
}

/**
 * The redis store: per session a log of message heads scored by seq and a hash of their JSON
 * parts (keys.ts, layout.ts), a hash of session fields, a per-user index by activity, TTL on
 * every key. Every write is one Lua script (atomic, one round trip); reads are one script or one
 * command. Each script's arguments and reply live in its module under scripts/.
 */
export class RedisStore implements StoreBackend {
  readonly kind = 'redis' as const;
  readonly capabilities: StoreCapabilities;
  private readonly changes: SessionChangeFeed;
  private readonly redis: RedisConnection;
  private readonly keys: RedisKeys;
  private readonly ttlMs: number;

  constructor(private readonly options: RedisStoreOptions) {
    this.redis = options.connection;
    this.keys = options.keys;
    this.ttlMs = (options.ttlSeconds ?? 0) * 1000;
    const { scripts, library } = storeScripts();
    defineScripts(this.redis, SCRIPT_NAMESPACE, scripts, library);
    this.changes = new SessionChangeFeed(this.keys.prefix, (onKey) =>
      subscribeChanges(this.redis, this.keys.changesChannel(), onKey),
    );
    // Export and import of whole sessions (see PortableStore).
    this.capabilities = {
      changes: this.changes,
      portability: new RedisPortability({
        connection: this.redis,
        keys: this.keys,
        getSession: (key) => this.getSession(key),
        importSession: (input) =>
          this.run(
            importSessionCall(this.settings(input.session.userId, input.session.sessionId), input),
          ),
      }),
    };
  }

  async append(input: ResolvedAppendInput): Promise<AppendResult> {
    const { userId, sessionId, agentId, messages } = input;
    return this.run(appendCall({ ...this.settings(userId, sessionId), userId }, agentId, messages));
  }

  async history(input: ResolvedHistoryInput): Promise<Message[]> {
    const { userId, sessionId, query } = input;
    return this.run(historyCall(this.keys.store(userId, sessionId), query));
  }

  async updateMessage(input: ResolvedUpdateMessageInput): Promise<Message> {
    const { userId, sessionId, messageId, expectedVersion, status, ...change } = input;
    return this.run(
      updateMessageCall(
        this.settings(userId, sessionId),
        messageId,
        expectedVersion,
        status,
        change,
      ),
    );
  }

  async truncate(input: ResolvedTruncateInput): Promise<Deleted> {
    const { userId, sessionId } = input;
    const point =
      input.afterMessageId === null
        ? { afterSeq: input.afterSeq ?? 0 }
        : { afterMessageId: input.afterMessageId, inclusive: input.inclusive };
    return this.run(truncateCall(this.settings(userId, sessionId), point));
  }

  async popMessage(input: SessionKey): Promise<Message | null> {
    const { userId, sessionId } = input;
    return this.run(popMessageCall(this.settings(userId, sessionId)));
  }

  async clearMessages(input: SessionKey): Promise<Deleted> {
    const { userId, sessionId } = input;
    return this.run(clearMessagesCall(this.settings(userId, sessionId)));
  }

  async deleteMessages(input: DeleteMessagesInput): Promise<Deleted> {
    const { userId, sessionId, messageIds } = input;
    return this.run(deleteMessagesCall(this.settings(userId, sessionId), messageIds));
  }

  async transact(input: ResolvedTransactInput): Promise<TransactResult> {
    const { userId, sessionId, operationId, agentId, bodyHash } = input;
    return this.run(
      transactCall(this.settings(userId, sessionId), {
        operationId,
        bodyHash,
        agentId,
        expected: input.replaceSuffix?.expected ?? [],
        messages: input.replaceSuffix?.replacement ?? input.append,
      }),
    );
  }

  async beginMessage(input: ResolvedAppendInput): Promise<BeginMessageResult> {
    const { userId, sessionId, agentId, messages } = input;
    const [draft] = messages;
    if (!draft?.lease || draft.leaseMs === null) throw new InternalError('a draft without lease');
    const lease = { token: draft.lease, ms: draft.leaseMs };
    return this.run(beginMessageCall(this.settings(userId, sessionId), agentId, lease, draft));
  }

  async checkpointMessage(input: ResolvedCheckpointInput): Promise<Message> {
    const { userId, sessionId, messageId, lease, ...change } = input;
    return this.run(
      checkpointMessageCall(
        this.settings(userId, sessionId),
        messageId,
        lease,
        change,
        this.changeSignal(userId, sessionId),
      ),
    );
  }

  async finalizeMessage(input: ResolvedFinalizeInput): Promise<Message> {
    const { userId, sessionId, messageId, lease, status, ...change } = input;
    return this.run(
      finalizeMessageCall(
        this.settings(userId, sessionId),
        messageId,
        lease,
        status,
        change,
        this.changeSignal(userId, sessionId),
      ),
    );
  }

  /** Where the draft scripts publish that the session's drafts changed (its followers wake). */
  private changeSignal(userId: string, sessionId: string): ChangeSignal {
    return {
      channel: this.keys.changesChannel(),
      key: sessionSignalKey(this.keys.prefix, userId, sessionId),
    };
  }

  async createSession(input: CreateSessionInput & { sessionId: string }): Promise<Session> {
    const { userId, sessionId, agentId, title, metadata } = input;
    return this.run(
      createSessionCall(
        { ...this.settings(userId, sessionId), userId },
        { agentId: agentId ?? null, title: title ?? null, metadata: metadata ?? {} },
      ),
    );
  }

  async getSession(input: SessionKey): Promise<Session | null> {
    const { userId, sessionId } = input;
    const [meta] = this.keys.store(userId, sessionId);
    const hash = await this.guard(() => this.redis.hgetall(meta as string));
    return isSessionHash(hash) ? sessionFromHash(userId, sessionId, hash) : null;
  }

  async updateSession(input: UpdateSessionInput): Promise<Session> {
    const { userId, sessionId, ...fields } = input;
    return this.run(updateSessionCall({ ...this.settings(userId, sessionId), userId }, fields));
  }

  async deleteSession(input: SessionKey): Promise<boolean> {
    const { userId, sessionId } = input;
    return this.run(
      deleteSessionCall(this.keys.store(userId, sessionId), sessionId, this.keys.user(userId)),
    );
  }

  async listSessions(input: ListSessionsInput & { limit: number }): Promise<SessionPage> {
    const { userId, limit, cursor } = input;
    const position = cursor === undefined ? null : decodeSessionCursor(cursor);
    const rows = await this.run(
      listSessionsCall(userId, this.keys.user(userId), position, limit + 1),
    );
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
    return this.run(userSweepCall('deleteUser', this.keys.user(userId)));
  }

  async putAgent(input: PutAgentInput): Promise<Agent> {
    const { agentId, name, model, settings } = input;
    return this.run(
      putAgentCall(this.keys.agents, agentId, {
        name: name ?? null,
        model: model ?? null,
        settings: settings ?? {},
      }),
    );
  }

  /** Redis keeps no history to report on (messages expire and are trimmed). */
  usage(): Promise<UsageReport> {
    return Promise.reject(
      new UnsupportedError(
        'usage reports need PostgreSQL or PGlite: the redis store keeps no history',
      ),
    );
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
        const pruned = await this.run(pruneUserCall(countsKey.slice(0, -'counts'.length)));
        total.sessions += pruned.sessions;
        total.messages += pruned.messages;
      });
      return total;
    } finally {
      await this.run(unlockCall(this.keys.cleanupLock, token)).catch(() => {});
    }
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
    await this.changes.close().catch(() => {});
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private settings(userId: string, sessionId: string): WriteSettings {
    return {
      keys: this.keys.store(userId, sessionId),
      sessionId,
      ttlMs: this.ttlMs,
      maxHistory: this.options.maxHistory ?? 0,
    };
  }

  private async run<R>(call: ScriptCall<R>): Promise<R> {
    const reply = await this.guard(() =>
      runScript<unknown>(this.redis, SCRIPT_NAMESPACE, call.script, call.keys, call.args),
    );
    return call.decode(reply);
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
