import {
  BusyError,
  ConflictError,
  IdempotencyMismatchError,
  LeaseConflictError,
  NotFoundError,
} from '../../contract/errors.js';
import type { StoreBackend } from '../../contract/store-backend.js';
import type { StoreCapabilities } from '../../contract/capabilities.js';
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
  HistoryQuery,
  ResolvedAppendInput,
  ResolvedCheckpointInput,
  ResolvedFinalizeInput,
  ResolvedHistoryInput,
  ResolvedSearchInput,
  ResolvedTransactInput,
  ResolvedTruncateInput,
  ResolvedUpdateMessageInput,
} from '../../contract/validation.js';
import type { SearchPage } from '../../contract/search.js';
import { AppendBatcher, type AppendRequest } from './append-batcher.js';
import { messageChanges } from './message-changes.js';
import { QUERIES } from './queries.generated.js';
import { readsUsageTotals, usageParams, usageRowFromSql, type UsageSqlRow } from './usage-rows.js';
import { SqlUsageRollup } from './usage-rollup.js';
import type { ResolvedUsageInput, UsageReport } from '../../contract/usage.js';
import {
  agentFromRow,
  appendedMessage,
  type AppendJson,
  messageFromRow,
  sessionFromJson,
  sessionFromRow,
  type AgentRow,
  type MessageRow,
  type SessionJson,
  type SessionRow,
} from './rows.js';
import { quoteSchema, renderSql } from './schema-name.js';
import { SessionChangeFeed } from '../change-feed/session-change-feed.js';
import {
  decodeSearchCursor,
  encodeSearchCursor,
  MAX_SEARCH_OFFSET,
  RANKED_SEARCH_HITS,
} from './search-cursor.js';
import { type SearchRow, searchHitFromRow } from './search-rows.js';
import { cjkTerms } from './search-terms.js';
import { decodeSessionCursor, encodeSessionCursor } from './session-cursor.js';
import { SqlPortability } from './sql-portability.js';
import type { SqlDriver } from './sql-driver.js';
import { toStoreError } from './sql-errors.js';

/** The channel draft changes are signalled on (sql/functions/11_signal_change.sql). */
const CHANGES_CHANNEL = 'convstore_changes';

export interface SqlStoreOptions {
  driver: SqlDriver;
  schema: string;
  ttlSeconds: number | null;
  maxHistory: number | null;
  /** Connections that may run appends at once before they are batched; null: never batch. */
  batchAppendsBeyond: number | null;
}

type Queries = { [K in keyof typeof QUERIES]: string };

/**
 * The backend for PostgreSQL and PGlite: the same SQL on either driver. Every operation is one
 * round trip (cleanup: one per batch); the algorithms live in the stored functions
 * (sql/functions/), the statements here only call them or read.
 */
export class SqlStore implements StoreBackend {
  readonly kind: 'postgres' | 'pglite';
  readonly capabilities: StoreCapabilities & {
    portability: SqlPortability;
    changes: SessionChangeFeed;
    usageRollup: SqlUsageRollup;
  };
  private readonly sql: Queries;
  private readonly driver: SqlDriver;
  private cleanupRunning = false;
  private readonly batcher: AppendBatcher | null;

  constructor(private readonly options: SqlStoreOptions) {
    this.driver = options.driver;
    this.kind = options.driver.kind;
    const quoted = quoteSchema(options.schema);
    this.sql = Object.fromEntries(
      Object.entries(QUERIES).map(([name, text]) => [name, renderSql(text, quoted)]),
    ) as Queries;
    this.batcher =
      options.batchAppendsBeyond === null
        ? null
        : new AppendBatcher({
            capacity: options.batchAppendsBeyond,
            maxBatch: 64,
            runOne: (request) => this.appendOne(request),
            runBatch: (requests) => this.appendBatch(requests),
            runLocked: (request) => this.appendOne(request),
          });
    // Export and import of whole sessions (see PortableStore).
    this.capabilities = {
      portability: new SqlPortability(
        this.sql,
        (text, params) => this.run(text, params),
        (work) => this.guard(() => this.driver.transaction(work)),
      ),
      // Draft checkpoints and finalizes NOTIFY (sql/functions/11_signal_change.sql).
      changes: new SessionChangeFeed(quoted, (onKey) => this.driver.listen(CHANGES_CHANNEL, onKey)),
      // The hourly rollup usage reports read (functions/10_usage_rollup.sql).
      usageRollup: new SqlUsageRollup(this.sql, (text, params) => this.run(text, params)),
    };
  }

  /**
   * One round trip (append_messages). Under concurrency, appends that queue for a connection go
   * together as one statement (see AppendBatcher).
   */
  async append(input: ResolvedAppendInput): Promise<AppendResult> {
    const { userId, sessionId, agentId, messages } = input;
    const request: AppendRequest = { userId, sessionId, agentId: agentId ?? null, messages };
    const result = this.batcher
      ? await this.batcher.submit(request)
      : await this.appendOne(request);
    return {
      session: sessionFromRow(result.session),
      messages: result.messages.map((stored, index) => appendedMessage(stored, messages[index]!)),
      inserted: Number(result.inserted),
    };
  }

  private async appendOne(request: AppendRequest): Promise<AppendJson> {
    const [row] = await this.run<{ result: AppendJson }>(this.sql.append, [
      request.userId,
      request.sessionId,
      request.agentId,
      this.options.ttlSeconds,
      this.options.maxHistory,
      JSON.stringify(request.messages),
    ]);
    return row!.result;
  }

  private async appendBatch(requests: AppendRequest[]): Promise<AppendJson[]> {
    const rows = await this.run<{ result: AppendJson }>(this.sql.appendBatch, [
      JSON.stringify(requests),
      this.options.ttlSeconds,
      this.options.maxHistory,
    ]);
    return rows.map((row) => row.result);
  }

  async history(input: ResolvedHistoryInput): Promise<Message[]> {
    const { userId, sessionId, query } = input;
    const [text, params] = this.historyStatement(query);
    const rows = await this.runMany<MessageRow>(text, [userId, sessionId, ...params]);
    if (rows.length === 0) throw sessionNotFound();
    const messages = rows.filter((row) => row.seq !== null).map(messageFromRow);
    // history-newest.sql answers newest first (no Sort on the server).
    return query.kind === 'newest' ? messages.reverse() : messages;
  }

  async updateMessage(input: ResolvedUpdateMessageInput): Promise<Message> {
    const [row] = await this.run<{ message: MessageRow }>(this.sql.updateMessage, [
      input.userId,
      input.sessionId,
      input.messageId,
      input.expectedVersion ?? null,
      JSON.stringify(messageChanges(input)),
      this.options.ttlSeconds,
    ]);
    return messageFromRow(row!.message);
  }

  async truncate(input: ResolvedTruncateInput): Promise<Deleted> {
    const rows = await this.remove(input, 'after', {
      seq: input.afterSeq,
      afterMessageId: input.afterMessageId,
      inclusive: input.inclusive,
    });
    return { deleted: rows.length };
  }

  async popMessage(input: SessionKey): Promise<Message | null> {
    const [row] = await this.remove(input, 'newest', {});
    return row ? messageFromRow(row) : null;
  }

  async clearMessages(input: SessionKey): Promise<Deleted> {
    return { deleted: (await this.remove(input, 'all', {})).length };
  }

  async deleteMessages(input: DeleteMessagesInput): Promise<Deleted> {
    return { deleted: (await this.remove(input, 'ids', { ids: input.messageIds })).length };
  }

  private remove(
    key: SessionKey,
    kind: 'after' | 'newest' | 'all' | 'ids',
    which: {
      seq?: number | null;
      ids?: string[];
      afterMessageId?: string | null;
      inclusive?: boolean;
    },
  ): Promise<MessageRow[]> {
    return this.run<MessageRow>(this.sql.removeMessages, [
      key.userId,
      key.sessionId,
      kind,
      which.seq ?? null,
      which.ids ?? null,
      this.options.ttlSeconds,
      which.afterMessageId ?? null,
      which.inclusive ?? false,
    ]);
  }

  async transact(input: ResolvedTransactInput): Promise<TransactResult> {
    const messages = input.replaceSuffix ? input.replaceSuffix.replacement : input.append;
    const [row] = await this.run<{ outcome: { replayed: boolean; result: AppendJson } }>(
      this.sql.transact,
      [
        input.userId,
        input.sessionId,
        input.agentId ?? null,
        input.operationId,
        input.bodyHash,
        input.replaceSuffix ? input.replaceSuffix.expected : null,
        JSON.stringify(messages),
        this.options.ttlSeconds,
        this.options.maxHistory,
      ],
    );
    const { replayed, result } = row!.outcome;
    return {
      replayed,
      messages: result.messages.map((stored, index) => appendedMessage(stored, messages[index]!)),
    };
  }

  async beginMessage(input: ResolvedAppendInput): Promise<BeginMessageResult> {
    const draft = input.messages[0]!;
    const { messages, inserted } = await this.append(input).catch((error: unknown) => {
      throw error instanceof IdempotencyMismatchError ? draftIdTaken() : error;
    });
    if (inserted === 0) throw draftIdTaken();
    return { message: messages[0]!, lease: draft.lease! };
  }

  async checkpointMessage(input: ResolvedCheckpointInput): Promise<Message> {
    const [row] = await this.run<{ message: MessageRow }>(this.sql.checkpointMessage, [
      input.userId,
      input.sessionId,
      input.messageId,
      input.lease,
      JSON.stringify(messageChanges(input)),
      this.options.ttlSeconds,
    ]);
    return messageFromRow(row!.message);
  }

  async finalizeMessage(input: ResolvedFinalizeInput): Promise<Message> {
    const [row] = await this.run<{ message: MessageRow }>(this.sql.finalizeMessage, [
      input.userId,
      input.sessionId,
      input.messageId,
      input.lease ?? null,
      input.status,
      JSON.stringify(messageChanges(input)),
      this.options.ttlSeconds,
    ]);
    return messageFromRow(row!.message);
  }

  async createSession(input: CreateSessionInput & { sessionId: string }): Promise<Session> {
    const { userId, sessionId, agentId, title, metadata } = input;
    const [row] = await this.run<{ session: SessionJson | null }>(this.sql.createSession, [
      userId,
      sessionId,
      agentId ?? null,
      title ?? null,
      JSON.stringify(metadata ?? {}),
      this.options.ttlSeconds,
    ]);
    if (!row?.session) throw new ConflictError('this user already has a session with that id');
    return sessionFromJson(row.session);
  }

  async getSession(input: SessionKey): Promise<Session | null> {
    const [row] = await this.run<SessionRow>(this.sql.getSession, [input.userId, input.sessionId]);
    return row ? sessionFromRow(row) : null;
  }

  async updateSession(input: UpdateSessionInput): Promise<Session> {
    const { userId, sessionId, agentId, title, metadata } = input;
    const [row] = await this.run<{ session: SessionJson }>(this.sql.updateSession, [
      userId,
      sessionId,
      this.options.ttlSeconds,
      agentId !== undefined,
      agentId ?? null,
      title !== undefined,
      title ?? null,
      metadata !== undefined,
      JSON.stringify(metadata ?? {}),
    ]);
    if (!row) throw sessionNotFound();
    return sessionFromJson(row.session);
  }

  async deleteSession(input: SessionKey): Promise<boolean> {
    const rows = await this.run<{ message_count: number }>(this.sql.deleteSession, [
      input.userId,
      input.sessionId,
    ]);
    return rows.length > 0;
  }

  async listSessions(input: ListSessionsInput & { limit: number }): Promise<SessionPage> {
    const { userId, limit, cursor } = input;
    const position = cursor === undefined ? null : decodeSessionCursor(cursor);
    const rows = await this.runMany<SessionRow & { updated_us: string }>(
      position ? this.sql.listSessionsAfter : this.sql.listSessions,
      position
        ? [userId, position.updatedMicros, position.sessionId, limit + 1]
        : [userId, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      sessions: page.map(sessionFromRow),
      nextCursor:
        rows.length > limit && last
          ? encodeSessionCursor({
              updatedMicros: last.updated_us,
              sessionId: last.session_id,
            })
          : null,
    };
  }

  async deleteUser(input: UserKey): Promise<DeletedCounts> {
    const [row] = await this.run<DeletedCounts>(this.sql.deleteUser, [input.userId]);
    return { sessions: Number(row?.sessions ?? 0), messages: Number(row?.messages ?? 0) };
  }

  async putAgent(input: PutAgentInput): Promise<Agent> {
    const { agentId, name, model, settings } = input;
    const [row] = await this.run<AgentRow>(this.sql.putAgent, [
      agentId,
      name ?? null,
      model ?? null,
      JSON.stringify(settings ?? {}),
    ]);
    return agentFromRow(row!);
  }

  /**
   * A report from the rollup, the hours it does not hold read live: a user's report, or one by
   * user, from the per-user level (usage.sql, 0009: exact); everyone's from the user-less level
   * (usage-totals.sql, 0010: distinct counts estimated, see the README).
   */
  async usage(input: ResolvedUsageInput): Promise<UsageReport> {
    const text = readsUsageTotals(input) ? this.sql.usageTotals : this.sql.usage;
    const rows = await this.run<UsageSqlRow>(text, usageParams(input));
    return { rows: rows.map((row) => usageRowFromSql(row, input)) };
  }

  async listAgents(): Promise<Agent[]> {
    const rows = await this.run<AgentRow>(this.sql.listAgents, []);
    return rows.map(agentFromRow);
  }

  /**
   * One runner at a time: a session-level advisory lock held on one reserved connection for the
   * whole run (PGlite is a single connection where such locks re-enter, hence the flag too).
   * Each batch is its own short transaction, so appends to live sessions never wait long. Drafts
   * whose lease ran out are marked aborted on the way.
   */
  async cleanupExpired(input: { batchSize: number }): Promise<DeletedCounts> {
    const { batchSize } = input;
    if (this.cleanupRunning) throw cleanupBusy();
    this.cleanupRunning = true;
    const lockName = `convstore:cleanup:${this.options.schema}`;
    try {
      return await this.guard(() =>
        this.driver.reserved(async (connection) => {
          const [lock] = await connection.query<{ locked: boolean }>(this.sql.tryLock, [lockName]);
          if (!lock?.locked) throw cleanupBusy();
          try {
            while ((await connection.query(this.sql.abortExpiredDrafts, [batchSize])).length > 0);
            const total: DeletedCounts = { sessions: 0, messages: 0 };
            for (;;) {
              const [batch] = await connection.query<DeletedCounts>(this.sql.cleanupBatch, [
                batchSize,
              ]);
              total.sessions += Number(batch?.sessions ?? 0);
              total.messages += Number(batch?.messages ?? 0);
              if (Number(batch?.sessions ?? 0) < batchSize) return total;
            }
          } finally {
            await connection.query(this.sql.unlock, [lockName]);
          }
        }),
      );
    } finally {
      this.cleanupRunning = false;
    }
  }

  /**
   * One round trip: the word index (search.sql), or, for a query with Chinese, Japanese or
   * Korean terms, the word index or the trigram index (search-cjk.sql). One row past the page
   * says whether another page follows. The RANKED_SEARCH_HITS newest hits come best first, any
   * older ones after them newest first.
   */
  async search(input: ResolvedSearchInput): Promise<SearchPage> {
    const { userId, query, sessionId, role, from, to, limit, cursor } = input;
    const offset = cursor === undefined ? 0 : decodeSearchCursor(cursor);
    const params: unknown[] = [
      userId,
      query,
      sessionId ?? null,
      role ?? null,
      from ?? null,
      to ?? null,
      offset,
      limit + 1,
    ];
    const cjk = cjkTerms(query);
    const rows = cjk
      ? await this.run<SearchRow>(this.sql.searchCjk, [
          ...params,
          cjk.likePattern,
          cjk.markPattern,
          cjk.first,
          RANKED_SEARCH_HITS,
        ])
      : await this.run<SearchRow>(this.sql.search, [...params, RANKED_SEARCH_HITS]);
    const next = offset + limit;
    return {
      hits: rows.slice(0, limit).map(searchHitFromRow),
      nextCursor:
        rows.length > limit && next <= MAX_SEARCH_OFFSET ? encodeSearchCursor(next) : null,
    };
  }

  async ping(): Promise<void> {
    await this.run(this.sql.ping, []);
  }

  async close(): Promise<void> {
    await this.capabilities.changes.close().catch(() => {});
    await this.driver.close();
  }

  private historyStatement(query: HistoryQuery): [string, unknown[]] {
    switch (query.kind) {
      case 'newest':
        return [this.sql.historyNewest, [query.limit]];
      case 'after':
        return [this.sql.historyAfter, [query.afterSeq, query.beforeSeq, query.limit]];
      case 'before':
        return [this.sql.historyBefore, [query.beforeSeq, query.limit]];
      case 'window':
        return [
          this.sql.historyWindow,
          [query.last, query.tokenBudget, query.align, query.pinSystem, query.statuses],
        ];
    }
  }

  private run<Row extends object>(text: string, params: readonly unknown[]): Promise<Row[]> {
    return this.guard(() => this.driver.query<Row>(text, params));
  }

  /** A read of many rows (see SqlDriver.queryMany). */
  private runMany<Row extends object>(text: string, params: readonly unknown[]): Promise<Row[]> {
    return this.guard(() => this.driver.queryMany<Row>(text, params));
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error);
    }
  }
}

function sessionNotFound(): NotFoundError {
  return new NotFoundError('session not found');
}

function draftIdTaken(): LeaseConflictError {
  return new LeaseConflictError('a message with this messageId exists: begin a new draft');
}

function cleanupBusy(): BusyError {
  return new BusyError('another cleanup is running; this one did nothing');
}
