import { checkImport } from '../../contract/import-check.js';
import type {
  ExportSessionsInput,
  ImportSessionInput,
  ImportSessionResult,
  PortableStore,
} from '../../contract/portability.js';
import type { Session, SessionKey } from '../../contract/types.js';
import type { RedisKeys } from './keys.js';
import type { RedisConnection } from './redis-connection.js';
import { scanEveryNode } from './scan.js';

export interface RedisPortabilityDeps {
  connection: RedisConnection;
  keys: RedisKeys;
  getSession: (key: SessionKey) => Promise<Session | null>;
  /** Runs import-session.lua with the store's settings (scripts/import-session.ts). */
  importSession: (input: ImportSessionInput) => Promise<ImportSessionResult>;
}

/**
 * Export and import for the redis store. Users are found by SCAN of their counts hashes (never
 * KEYS), collected and sorted so that the export has the (userId, sessionId) order a resumed
 * copy relies on: memory holds the user ids, and one user's session ids at a time.
 */
export class RedisPortability implements PortableStore {
  constructor(private readonly deps: RedisPortabilityDeps) {}

  async *exportSessions(input: ExportSessionsInput = {}): AsyncIterable<Session> {
    const users = input.userId === undefined ? await this.userIds() : [input.userId];
    const after = input.after;
    for (const userId of users) {
      if (after && userId < after.userId) continue;
      const ids =
        input.sessionId === undefined
          ? (await this.deps.connection.zrange(this.deps.keys.index(userId), '0', '-1')).sort()
          : [input.sessionId];
      for (const sessionId of ids) {
        if (after && userId === after.userId && sessionId <= after.sessionId) continue;
        const session = await this.deps.getSession({ userId, sessionId });
        if (session) yield session;
      }
    }
  }

  /** One script call per chunk (import-session.lua): idempotent, seqs, ids and times kept. */
  async importSession(input: ImportSessionInput): Promise<ImportSessionResult> {
    checkImport(input);
    return this.deps.importSession(input);
  }

  private async userIds(): Promise<string[]> {
    const users = new Set<string>();
    const { prefix, countsPattern } = this.deps.keys;
    await scanEveryNode(this.deps.connection, countsPattern, 1000, async (key) => {
      const userId = key.slice(prefix.length + 1, key.length - '}:counts'.length);
      users.add(userId);
    });
    return [...users].sort();
  }
}
