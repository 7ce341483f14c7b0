import type {
  ExportSessionsInput,
  ImportSessionInput,
  ImportSessionResult,
  PortableStore,
} from '../../contract/portability.js';
import type { Session } from '../../contract/types.js';
import type { SqlStore } from '../sql/sql-store.js';
import type { SessionCache } from './session-cache.js';

/**
 * Export and import through PostgreSQL, which holds everything: an export first writes what
 * waits for the flusher (write-behind), an import drops the session's cached window after, so
 * the next read fills it from what was imported.
 */
export function hybridPortability(
  sql: SqlStore,
  cache: SessionCache,
  flushFirst: () => Promise<void>,
): PortableStore {
  return {
    async *exportSessions(input?: ExportSessionsInput): AsyncIterable<Session> {
      await flushFirst();
      yield* sql.capabilities.portability.exportSessions(input);
    },
    async importSession(input: ImportSessionInput): Promise<ImportSessionResult> {
      const result = await sql.capabilities.portability.importSession(input);
      await cache.invalidate(input.session.userId, input.session.sessionId);
      return result;
    },
  };
}
