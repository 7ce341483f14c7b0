import { quoteSchema, renderSql } from '../../stores/sql/schema-name.js';
import type { SqlDriver, SqlRunner } from '../../stores/sql/sql-driver.js';
import { MIGRATE_REDIS_SQL } from './sql.generated.js';
import type { SourceAgent, SourceSession } from './types.js';

export interface WrittenCounts {
  /** Messages this write stored; those already there (an earlier run) are not counted. */
  messagesInserted: number;
}

/**
 * Writes whole sessions into PostgreSQL, a batch per transaction: the sessions (with their users
 * and agents) in one statement, their messages in another, each with its source seq and
 * ON CONFLICT DO NOTHING. A kill before the commit leaves nothing of the batch; a kill after it
 * leaves whole sessions; either way the next run stores each message exactly once.
 */
export class PostgresWriter {
  private readonly upsertSessions: string;
  private readonly insertMessages: string;
  private readonly upsertAgents: string;
  private readonly resetSession: string;
  readonly readMigrated: string;

  constructor(
    readonly driver: SqlDriver,
    schema: string,
  ) {
    const quoted = quoteSchema(schema);
    this.upsertSessions = renderSql(MIGRATE_REDIS_SQL.upsertSessions, quoted);
    this.insertMessages = renderSql(MIGRATE_REDIS_SQL.insertMessages, quoted);
    this.readMigrated = renderSql(MIGRATE_REDIS_SQL.readMigrated, quoted);
    this.upsertAgents = renderSql(MIGRATE_REDIS_SQL.upsertAgents, quoted);
    this.resetSession = renderSql(MIGRATE_REDIS_SQL.resetSession, quoted);
  }

  /** The agent catalogue, in one statement (a catalogue is small). */
  async writeAgents(agents: SourceAgent[]): Promise<void> {
    if (agents.length === 0) return;
    const rows = agents.map((agent) => ({
      agent_id: agent.agentId,
      name: agent.name,
      model: agent.model,
      settings: agent.settings,
      created_at: agent.createdAt,
      updated_at: agent.updatedAt,
    }));
    await this.driver.query(this.upsertAgents, [JSON.stringify(rows)]);
  }

  async write(sessions: SourceSession[]): Promise<WrittenCounts> {
    if (sessions.length === 0) return { messagesInserted: 0 };
    return this.driver.transaction((tx) => this.writeIn(tx, sessions));
  }

  /**
   * Replaces the target's copy of one session with the source's (--reimport-differing): in one
   * transaction, the old messages go, the source's are written with their seqs, and `verify`
   * checks the new copy before the commit. When it says no (or anything fails) the transaction
   * rolls back and the target keeps its old copy whole. Returns whether the new copy was kept.
   */
  async replace(
    session: SourceSession,
    verify: (tx: SqlRunner) => Promise<boolean>,
  ): Promise<boolean> {
    try {
      return await this.driver.transaction(async (tx) => {
        await tx.query(this.resetSession, [session.userId, session.sessionId]);
        await this.writeIn(tx, [session]);
        if (!(await verify(tx))) throw new KeepOldCopy();
        return true;
      });
    } catch (error) {
      if (error instanceof KeepOldCopy) return false;
      throw error;
    }
  }

  private async writeIn(tx: SqlRunner, sessions: SourceSession[]): Promise<WrittenCounts> {
    const sessionRows = sessions.map((session) => ({
      user_id: session.userId,
      session_id: session.sessionId,
      agent_id: session.agentId,
      title: session.title,
      metadata: session.metadata,
      created_at: session.createdAt,
      updated_at: session.updatedAt,
      expires_at: session.expiresAt,
      last_seq: Math.max(session.lastSeq, session.messages.at(-1)?.seq ?? 0),
    }));
    const messageRows = sessions.flatMap((session) =>
      session.messages.map((message) => ({
        user_id: session.userId,
        session_id: session.sessionId,
        seq: message.seq,
        message_id: message.messageId,
        role: message.role,
        content: message.content,
        metadata: message.metadata,
        created_at: message.createdAt,
      })),
    );
    await tx.query(this.upsertSessions, [JSON.stringify(sessionRows)]);
    if (messageRows.length === 0) return { messagesInserted: 0 };
    const [row] = await tx.query<{ inserted: number }>(this.insertMessages, [
      JSON.stringify(messageRows),
    ]);
    return { messagesInserted: Number(row?.inserted ?? 0) };
  }
}

/** Thrown inside replace()'s transaction to roll it back: the new copy did not verify. */
class KeepOldCopy extends Error {}
