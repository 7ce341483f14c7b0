import type { Sql, TransactionSql } from 'postgres';
import { forEachParallel, range, schemaFor, type BenchContext } from '../bench-context.js';
import type { OperationName } from '../names.js';
import { BENCH_SQL } from '../sql.generated.js';
import { Targets } from '../targets.js';
import {
  clearSession,
  historyPayload,
  readSession,
  readSessionCount,
  type Payload,
  type SessionRef,
  type Workload,
} from '../workload.js';
import { renderFor } from './render-sql.js';
import type { Operation, Subject } from './subject.js';

/** The sketch's MAX_CONVERSATION_HISTORY, set to the window every store keeps. */
const TTL_SECONDS = 24 * 3600;

type SketchSql = ReturnType<typeof renderFor<typeof BENCH_SQL>>;

/**
 * The design sketch's PostgreSQLConversationService, statement for statement, on its own schema
 * (with every index it asked for), through the same driver and pool size as the postgres store.
 * Where SQLAlchemy opens a transaction the sketch gets one (BEGIN ... COMMIT round trips, as
 * psycopg sends them); where the ORM would do more than the text says, the sketch gets the
 * benefit of the doubt (see each method).
 */
export class SketchSubject implements Subject {
  readonly store = 'sketch-postgres';
  private readonly schema: string;
  private readonly q: SketchSql;
  private sql: Sql | undefined;
  private targets: Targets | undefined;
  private maxHistory = 50;
  private users = 0;

  constructor(private readonly context: BenchContext) {
    this.schema = schemaFor(context, 'sketch');
    this.q = renderFor(BENCH_SQL, this.schema);
  }

  async load(workload: Workload): Promise<void> {
    const { admin } = this.context;
    this.targets = new Targets(workload);
    this.maxHistory = workload.historySize;
    this.users = workload.users;
    await admin.unsafe(`CREATE SCHEMA "${this.schema}"`);
    await admin.unsafe(this.q.sketchSchema);
    const ids = range(2 * workload.users).map((i) => i + 1);
    await admin.unsafe(this.q.sketchLoadUsers, [ids, ids.map((id) => `user ${id}`)]);
    const readCount = readSessionCount(workload);
    const sessions: Array<{ ref: SessionRef; offset: number }> = [
      ...range(readCount).map((k) => ({ ref: readSession(workload, k), offset: k })),
      ...range(workload.clearSessions).map((k) => ({
        ref: clearSession(workload, k),
        offset: readCount + k,
      })),
    ];
    for (let i = 0; i < sessions.length; i += 1000) {
      const batch = sessions.slice(i, i + 1000);
      await admin.unsafe(this.q.sketchLoadSessions, [
        batch.map(({ ref }) => this.sessionKey(ref)),
        batch.map(({ ref }) => this.userNumber(ref.userId)),
      ]);
    }
    // 10 sessions of messages per statement, each session's in order (created_at increases).
    const batches = range(Math.ceil(sessions.length / 10)).map((b) =>
      sessions.slice(b * 10, b * 10 + 10),
    );
    await forEachParallel(batches, 4, async (batch) => {
      const rows = batch.flatMap(({ ref, offset }) =>
        range(workload.historySize).map((m) => ({ ref, p: historyPayload(workload, offset, m) })),
      );
      await admin.unsafe(this.q.sketchLoadMessages, [
        rows.map(({ ref }) => this.sessionKey(ref)),
        rows.map(({ ref }) => this.userNumber(ref.userId)),
        rows.map(({ p }) => p.role),
        rows.map(({ p }) => p.content),
        rows.map(({ p }) => p.metadata),
      ]);
    });
    await admin.unsafe(`ANALYZE "${this.schema}".sessions, "${this.schema}".messages`);
    const { default: postgres } = await import('postgres');
    this.sql = postgres(this.context.databaseUrl, {
      max: this.context.poolSize,
      prepare: true,
      onnotice: () => {},
    });
  }

  operations(): Partial<Record<OperationName, Operation>> {
    const targets = this.targets!;
    return {
      add: (n) => this.addMessage(targets.session('add', n), targets.newPayload(n)),
      read_last_50: (n) => this.history(targets.session('read', n)),
      list_sessions: async (n) => {
        await this.run(this.sql!, this.q.sketchUserSessions, [this.userNumber(targets.user(n))]);
      },
      clear_session: () => this.clearSession(targets.takeClearSession()),
      chat_turn: async (n) => {
        const session = targets.session('chat', n);
        const [question, answer] = targets.turn(n);
        await this.history(session);
        await this.addMessage(session, question);
        await this.addMessage(session, answer);
      },
    };
  }

  async close(): Promise<void> {
    await this.sql?.end({ timeout: 5 });
    await this.context.admin.unsafe(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
  }

  /**
   * add_message: get_or_create_session (select; update or insert; commit), then insert, count,
   * select the excess, delete each, commit: ten round trips and two commits when one message is
   * over the limit, as in the sketch.
   */
  private async addMessage(ref: SessionRef, payload: Payload): Promise<void> {
    const sql = this.sql!;
    const key = this.sessionKey(ref);
    const user = this.userNumber(ref.userId);
    await this.getOrCreateSession(key, user);
    await sql.begin(async (tx) => {
      await this.run(tx, this.q.sketchInsertMessage, [
        key,
        user,
        payload.role,
        payload.content,
        payload.metadata,
      ]);
      const [counted] = await this.run<{ n: number }>(tx, this.q.sketchCountMessages, [key]);
      const n = counted?.n ?? 0;
      if (n > this.maxHistory) {
        const oldest = (await this.run(tx, this.q.sketchSelectExcess, [
          key,
          n - this.maxHistory,
        ])) as Array<{ id: number }>;
        for (const { id } of oldest) await this.run(tx, this.q.sketchDeleteMessage, [id]);
      }
    });
  }

  private async getOrCreateSession(key: string, user: number): Promise<void> {
    const now = new Date();
    const expires = new Date(now.getTime() + TTL_SECONDS * 1000);
    await this.sql!.begin(async (tx) => {
      const [found] = (await this.run(tx, this.q.sketchFindSession, [key, user])) as Array<{
        id: number;
      }>;
      if (found) await this.run(tx, this.q.sketchTouchSession, [found.id, expires, now]);
      else await this.run(tx, this.q.sketchCreateSession, [key, user, expires]);
    });
  }

  /** get_conversation_history: one query (no transaction round trips, generously). */
  private async history(ref: SessionRef): Promise<void> {
    await this.run(this.sql!, this.q.sketchHistory, [
      this.sessionKey(ref),
      this.userNumber(ref.userId),
      this.maxHistory,
    ]);
  }

  /** clear_session: select the session, delete it (the database cascades), commit. */
  private async clearSession(ref: SessionRef): Promise<void> {
    await this.sql!.begin(async (tx) => {
      const [found] = (await this.run(tx, this.q.sketchFindSession, [
        this.sessionKey(ref),
        this.userNumber(ref.userId),
      ])) as Array<{ id: number }>;
      if (found) await this.run(tx, this.q.sketchDeleteSession, [found.id]);
    });
  }

  private async run<Row = unknown>(
    sql: Sql | TransactionSql,
    text: string,
    params: unknown[],
  ): Promise<Row[]> {
    return (await sql.unsafe(text, params as never[], { prepare: true })) as unknown as Row[];
  }

  /** The sketch's session_id is global, so the bench's (user, session) pair becomes one string. */
  private sessionKey(ref: SessionRef): string {
    return `${ref.userId}:${ref.sessionId}`;
  }

  /** The sketch's users are integers: u<i> is i + 1, cu<i> is users + i + 1. */
  private userNumber(userId: string): number {
    return userId.startsWith('cu')
      ? this.users + Number(userId.slice(2)) + 1
      : Number(userId.slice(1)) + 1;
  }
}
