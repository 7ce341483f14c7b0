import { userInfo } from 'node:os';
import type { PostgresChatMessageHistory } from '@langchain/community/stores/message/postgres';
import type { Pool } from 'pg';
import { forEachParallel, range, schemaFor, type BenchContext } from '../bench-context.js';
import type { OperationName } from '../names.js';
import { BENCH_SQL } from '../sql.generated.js';
import { Targets } from '../targets.js';
import {
  clearSession,
  historyPayload,
  readSession,
  readSessionCount,
  type SessionRef,
  type Workload,
} from '../workload.js';
import { importLangchain, langchainMessages, type LangchainMessages } from './langchain-loader.js';
import { renderFor } from './render-sql.js';
import { langchainOperations } from './langchain-operations.js';
import type { Operation, Subject } from './subject.js';

/**
 * LangChain's PostgresChatMessageHistory (what a LangChain app would use instead), on a pg pool
 * of the same size as the store's. One history object per session is kept for the run, so its
 * CREATE TABLE IF NOT EXISTS runs once per session rather than once per request: generous, since
 * LangChain's own examples build one per request. It has no user and no session listing, so
 * list_sessions is not measured; it never trims, so its sessions grow as the run adds to them.
 */
export class LangchainPostgresSubject implements Subject {
  readonly store = 'langchain-postgres';
  private readonly schema: string;
  private pool: Pool | undefined;
  private messages: LangchainMessages | undefined;
  private historyClass: typeof PostgresChatMessageHistory | undefined;
  private readonly histories = new Map<string, PostgresChatMessageHistory>();
  private targets: Targets | undefined;

  constructor(private readonly context: BenchContext) {
    this.schema = schemaFor(context, 'langchain');
  }

  async load(workload: Workload): Promise<void> {
    const { admin } = this.context;
    this.targets = new Targets(workload);
    this.messages = await langchainMessages();
    const module = await importLangchain(
      '@langchain/community',
      () => import('@langchain/community/stores/message/postgres'),
    );
    this.historyClass = module.PostgresChatMessageHistory;
    const { default: pg } = await importLangchain('pg', () => import('pg'));
    this.pool = new pg.Pool({
      connectionString: withUser(this.context.databaseUrl),
      max: this.context.poolSize,
    });

    const q = renderFor(BENCH_SQL, this.schema);
    await admin.unsafe(`CREATE SCHEMA "${this.schema}"`);
    await admin.unsafe(q.langchainSchema);
    const readCount = readSessionCount(workload);
    const sessions = [
      ...range(readCount).map((k) => ({ ref: readSession(workload, k), offset: k })),
      ...range(workload.clearSessions).map((k) => ({
        ref: clearSession(workload, k),
        offset: readCount + k,
      })),
    ];
    const batches = range(Math.ceil(sessions.length / 10)).map((b) =>
      sessions.slice(b * 10, b * 10 + 10),
    );
    // In order: ids (and so getMessages' ORDER BY id) follow each session's history.
    await forEachParallel(batches, 1, async (batch) => {
      const rows = batch.flatMap(({ ref, offset }) =>
        range(workload.historySize).map((m) => ({
          key: sessionKey(ref),
          json: this.storedJson(historyPayload(workload, offset, m)),
        })),
      );
      await admin.unsafe(q.langchainLoad, [rows.map((r) => r.key), rows.map((r) => r.json)]);
    });
    await admin.unsafe(`ANALYZE "${this.schema}".langchain_chat_histories`);
    // Each history object checks its table once; do it now, outside the timed loops.
    // ensureTable is TypeScript-private but is what every public method calls first.
    await forEachParallel(sessions, 4, ({ ref }) =>
      (this.history(ref) as unknown as { ensureTable(): Promise<void> }).ensureTable(),
    );
  }

  operations(): Partial<Record<OperationName, Operation>> {
    return langchainOperations((ref) => this.history(ref), this.targets!, this.messages!);
  }

  async close(): Promise<void> {
    await this.pool?.end();
    await this.context.admin.unsafe(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
  }

  private history(ref: SessionRef): PostgresChatMessageHistory {
    const key = sessionKey(ref);
    let history = this.histories.get(key);
    if (!history) {
      history = new this.historyClass!({
        pool: this.pool!,
        sessionId: key,
        tableName: `"${this.schema}".langchain_chat_histories`,
      });
      this.histories.set(key, history);
    }
    return history;
  }

  /** The row LangChain's addMessage would write: {...data, type}. */
  private storedJson(payload: Parameters<LangchainMessages['stored']>[0]): string {
    const { type, data } = this.messages!.stored(payload);
    return JSON.stringify({ ...data, type });
  }
}

/**
 * pg takes a missing user from PGUSER only (and its connection string overrides a separate user
 * option); postgres.js, the store's driver, takes the OS user. Same default, same role.
 */
function withUser(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (!url.username) url.username = process.env.PGUSER ?? userInfo().username;
  return url.toString();
}

function sessionKey(ref: SessionRef): string {
  return `${ref.userId}:${ref.sessionId}`;
}
