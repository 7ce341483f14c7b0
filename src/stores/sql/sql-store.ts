import { BusyError, NotFoundError, ConflictError } from '../../contract/errors.js';
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
import type { SearchInput, SearchPage } from '../../contract/search.js';
import type { HistoryQuery, InputValidator } from '../../contract/validation.js';
import { AppendBatcher, type AppendRequest } from './append-batcher.js';
import { QUERIES } from './queries.generated.js';
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
import { decodeSearchCursor, encodeSearchCursor, MAX_SEARCH_OFFSET } from './search-cursor.js';
import { type SearchRow, searchHitFromRow } from './search-rows.js';
import { cjkTerms } from './search-terms.js';
import { decodeSessionCursor, encodeSessionCursor } from './session-cursor.js';
import { SqlPortability } from './sql-portability.js';
import type { SqlDriver } from './sql-driver.js';
import { toStoreError } from './sql-errors.js';

export interface SqlStoreOptions {
  driver: SqlDriver;
  schema: string;
  ttlSeconds: number | null;
  maxHistory: number | null;
  validator: InputValidator;
  /** Connections that may run appends at once before they are batched; null: never batch. */
  batchAppendsBeyond: number | null;
}

type Queries = { [K in keyof typeof QUERIES]: string };

/**
 * The store for PostgreSQL and PGlite: the same SQL on either driver. Every method validates
 * first, then makes one round trip (cleanup: one per batch).
 */
export class SqlStore implements ConversationStore {
  readonly kind: 'postgres' | 'pglite';
  private readonly sql: Queries;
  private readonly driver: SqlDriver;
  private readonly validate: InputValidator;
  private cleanupRunning = false;
  private readonly batcher: AppendBatcher | null;
  /** Export and import of whole sessions (see PortableStore). */
  readonly portability: SqlPortability;

  constructor(private readonly options: SqlStoreOptions) {
    this.driver = options.driver;
    this.kind = options.driver.kind;
    this.validate = options.validator;
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
            runLocked: (request) => this.appendLocked(request),
          });
    this.portability = new SqlPortability(
      this.sql,
      (text, params) => this.run(text, params),
      (work) => this.guard(() => this.driver.transaction(work)),
    );
  }

  /**
   * One round trip: the single-statement append, or, when it stands aside (a concurrent writer
   * on the same session, an expired session to reset, a batch larger than maxHistory), the
   * locked append — a second round trip only in those cases.
   */
  /**
   * One round trip: the single-statement append, or, when it stands aside (a concurrent writer
   * on the same session, an expired session to reset, a batch larger than maxHistory), the
   * locked append — a second round trip only in those cases. Under concurrency, appends that
   * queue for a connection go together as one statement (see AppendBatcher).
   */
  async append(input: AppendInput): Promise<AppendResult> {
    const { userId, sessionId, agentId, messages } = this.validate.append(input);
    const request: AppendRequest = { userId, sessionId, agentId: agentId ?? null, messages };
    const { maxHistory } = this.options;
    const batchable = maxHistory === null || messages.length <= maxHistory;
    const result =
      this.batcher && batchable
        ? await this.batcher.submit(request)
        : await this.appendOne(request);
    return {
      session: sessionFromJson(result.session),
      messages: result.messages.map((stored, index) => appendedMessage(stored, messages[index]!)),
      inserted: Number(result.inserted),
    };
  }

  private async appendOne(request: AppendRequest): Promise<AppendJson> {
    const { maxHistory } = this.options;
    if (maxHistory === null || request.messages.length <= maxHistory) {
      const [row] = await this.run<AppendJson | { session: null }>(
        this.sql.append,
        this.appendParams(request),
      );
      if (row?.session) return row as AppendJson;
    }
    return this.appendLocked(request);
  }

  private async appendLocked(request: AppendRequest): Promise<AppendJson> {
    const [row] = await this.run<{ result: AppendJson }>(
      this.sql.appendLocked,
      this.appendParams(request),
    );
    return row!.result;
  }

  private async appendBatch(requests: AppendRequest[]): Promise<Array<AppendJson | null>> {
    const rows = await this.run<AppendJson | { session: null }>(this.sql.appendBatch, [
      JSON.stringify(requests),
      this.options.ttlSeconds,
      this.options.maxHistory,
    ]);
    return rows.map((row) => (row.session ? (row as AppendJson) : null));
  }

  private appendParams(request: AppendRequest): unknown[] {
    return [
      request.userId,
      request.sessionId,
      request.agentId,
      this.options.ttlSeconds,
      this.options.maxHistory,
      JSON.stringify(request.messages),
    ];
  }

  async history(input: HistoryInput): Promise<Message[]> {
    const { userId, sessionId, query } = this.validate.history(input);
    const [text, params] = this.historyStatement(query);
    const rows = await this.run<MessageRow>(text, [userId, sessionId, ...params]);
    if (rows.length === 0) throw sessionNotFound();
    return rows.filter((row) => row.seq !== null).map(messageFromRow);
  }

  async createSession(input: CreateSessionInput): Promise<Session> {
    const { userId, sessionId, agentId, title, metadata } = this.validate.createSession(input);
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
    const { userId, sessionId } = this.validate.sessionKey(input);
    const [row] = await this.run<SessionRow>(this.sql.getSession, [userId, sessionId]);
    return row ? sessionFromRow(row) : null;
  }

  async updateSession(input: UpdateSessionInput): Promise<Session> {
    const { userId, sessionId, agentId, title, metadata } = this.validate.updateSession(input);
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
    const { userId, sessionId } = this.validate.sessionKey(input);
    const rows = await this.run<{ message_count: number }>(this.sql.deleteSession, [
      userId,
      sessionId,
    ]);
    return rows.length > 0;
  }

  async listSessions(input: ListSessionsInput): Promise<SessionPage> {
    const { userId, limit, cursor } = this.validate.listSessions(input);
    const position = cursor === undefined ? null : decodeSessionCursor(cursor);
    const rows = await this.run<SessionRow & { updated_us: string }>(
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
    const { userId } = this.validate.userKey(input);
    const [row] = await this.run<DeletedCounts>(this.sql.deleteUser, [userId]);
    return { sessions: Number(row?.sessions ?? 0), messages: Number(row?.messages ?? 0) };
  }

  async putAgent(input: PutAgentInput): Promise<Agent> {
    const { agentId, name, model, settings } = this.validate.putAgent(input);
    const [row] = await this.run<AgentRow>(this.sql.putAgent, [
      agentId,
      name ?? null,
      model ?? null,
      JSON.stringify(settings ?? {}),
    ]);
    return agentFromRow(row!);
  }

  async listAgents(): Promise<Agent[]> {
    const rows = await this.run<AgentRow>(this.sql.listAgents, []);
    return rows.map(agentFromRow);
  }

  /**
   * One runner at a time: a session-level advisory lock held on one reserved connection for the
   * whole run (PGlite is a single connection where such locks re-enter, hence the flag too).
   * Each batch is its own short transaction, so appends to live sessions never wait long.
   */
  async cleanupExpired(input?: CleanupInput): Promise<DeletedCounts> {
    const { batchSize } = this.validate.cleanup(input);
    if (this.cleanupRunning) throw cleanupBusy();
    this.cleanupRunning = true;
    const lockName = `convstore:cleanup:${this.options.schema}`;
    try {
      return await this.guard(() =>
        this.driver.reserved(async (connection) => {
          const [lock] = await connection.query<{ locked: boolean }>(this.sql.tryLock, [lockName]);
          if (!lock?.locked) throw cleanupBusy();
          try {
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
   * says whether another page follows.
   */
  async search(input: SearchInput): Promise<SearchPage> {
    const { userId, query, sessionId, role, from, to, limit, cursor } = this.validate.search(input);
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
        ])
      : await this.run<SearchRow>(this.sql.search, params);
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
    }
  }

  private run<Row extends object>(text: string, params: readonly unknown[]): Promise<Row[]> {
    return this.guard(() => this.driver.query<Row>(text, params));
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

function cleanupBusy(): BusyError {
  return new BusyError('another cleanup is running; this one did nothing');
}
