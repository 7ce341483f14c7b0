import { checkImport } from '../../contract/import-check.js';
import type {
  ExportSessionsInput,
  ImportSessionInput,
  ImportSessionResult,
  PortableStore,
} from '../../contract/portability.js';
import { snakeCaseKeys } from '../../contract/snake-case.js';
import type { Session } from '../../contract/types.js';
import { messageImportRow } from './import-rows.js';
import { sessionFromRow, type SessionRow } from './rows.js';
import type { SqlRunner } from './sql-driver.js';

/** Sessions read per export page. */
const EXPORT_PAGE = 500;

export interface SqlPortabilityQueries {
  exportSessions: string;
  exportUserSessions: string;
  getSession: string;
  importPrepare: string;
  importSession: string;
  importMessages: string;
}

/**
 * Export and import for the SQL stores. An import call is one transaction: the session row and
 * the run of messages land together or not at all, so a copy killed midway leaves whole runs.
 */
export class SqlPortability implements PortableStore {
  constructor(
    private readonly sql: SqlPortabilityQueries,
    private readonly run: <Row extends object>(text: string, params: unknown[]) => Promise<Row[]>,
    private readonly transaction: <T>(work: (tx: SqlRunner) => Promise<T>) => Promise<T>,
  ) {}

  async *exportSessions(input: ExportSessionsInput = {}): AsyncIterable<Session> {
    const { userId, sessionId } = input;
    if (userId !== undefined && sessionId !== undefined) {
      const after = input.after;
      if (
        after &&
        (after.userId > userId || (after.userId === userId && after.sessionId >= sessionId))
      )
        return;
      const [row] = await this.run<SessionRow>(this.sql.getSession, [userId, sessionId]);
      if (row) yield sessionFromRow(row);
      return;
    }
    let after = input.after ?? { userId: '', sessionId: '' };
    if (userId !== undefined && after.userId !== userId) {
      if (after.userId > userId) return;
      after = { userId, sessionId: '' };
    }
    for (;;) {
      const rows =
        userId === undefined
          ? await this.run<SessionRow>(this.sql.exportSessions, [
              after.userId,
              after.sessionId,
              EXPORT_PAGE,
            ])
          : await this.run<SessionRow>(this.sql.exportUserSessions, [
              userId,
              after.sessionId,
              EXPORT_PAGE,
            ]);
      for (const row of rows) yield sessionFromRow(row);
      const last = rows.at(-1);
      if (!last || rows.length < EXPORT_PAGE) return;
      after = { userId: last.user_id, sessionId: last.session_id };
    }
  }

  async importSession({ session, messages }: ImportSessionInput): Promise<ImportSessionResult> {
    checkImport({ session, messages });
    const { userId, sessionId } = session;
    const rows = messages.map((message) => messageImportRow(message, userId, sessionId));
    return this.transaction(async (tx) => {
      await tx.query(this.sql.importPrepare, [userId, sessionId, session.agentId]);
      await tx.query(this.sql.importSession, [JSON.stringify(snakeCaseKeys(session))]);
      const [row] = await tx.query<{ inserted: number | string }>(this.sql.importMessages, [
        JSON.stringify(rows),
        userId,
        sessionId,
      ]);
      return { inserted: Number(row?.inserted ?? 0) };
    });
  }
}
