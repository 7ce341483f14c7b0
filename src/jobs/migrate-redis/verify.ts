import type { Metadata } from '../../contract/types.js';
import { digestSession, type HashedMessage, type SessionDigest } from './content-hash.js';
import type { SqlRunner } from '../../stores/sql/sql-driver.js';
import type { PostgresWriter } from './postgres-writer.js';
import type { SourceSession } from './types.js';

export interface SessionDifference {
  key: string;
  userId: string;
  sessionId: string;
  /** What differs, in counts and hashes only: never any content. */
  problem: string;
}

interface MigratedRow {
  user_id: string;
  session_id: string;
  found: boolean;
  seq: string | number | null;
  message_id: string | null;
  role: string | null;
  content: string | null;
  metadata: string | null;
}

/**
 * Compares a batch of source sessions with what the target holds, in one query: the number of
 * messages and a SHA-256 over their seq, id, role, content and metadata, from the source's oldest
 * kept seq on. Returns the sessions that differ (missing, fewer or more messages in that range,
 * or any byte of a message changed). `runner` is where to read the target: the pool, or the
 * transaction of a re-import that must see its own uncommitted copy.
 */
export async function verifyBatch(
  writer: PostgresWriter,
  sessions: SourceSession[],
  runner: SqlRunner = writer.driver,
): Promise<SessionDifference[]> {
  if (sessions.length === 0) return [];
  const keys = sessions.map((session) => ({
    user_id: session.userId,
    session_id: session.sessionId,
  }));
  const rows = await runner.query<MigratedRow>(writer.readMigrated, [JSON.stringify(keys)]);
  const target = new Map<string, { found: boolean; messages: HashedMessage[] }>();
  for (const row of rows) {
    const id = sessionKey(row.user_id, row.session_id);
    let entry = target.get(id);
    if (!entry) target.set(id, (entry = { found: row.found, messages: [] }));
    if (row.seq === null) continue;
    entry.messages.push({
      seq: Number(row.seq),
      messageId: row.message_id ?? '',
      role: row.role ?? '',
      content: row.content ?? '',
      metadata: JSON.parse(row.metadata ?? '{}') as Metadata,
    });
  }
  const differences: SessionDifference[] = [];
  for (const session of sessions) {
    const stored = target.get(sessionKey(session.userId, session.sessionId));
    // The target may keep older messages that the source has trimmed since an earlier run (it
    // keeps everything, Redis a window): compare from the source's oldest kept seq on.
    const from = session.messages[0]?.seq ?? session.lastSeq + 1;
    const kept = stored && { ...stored, messages: stored.messages.filter((m) => m.seq >= from) };
    const problem = compare(digestSession(session.messages), kept);
    if (problem) {
      differences.push({
        key: session.key,
        userId: session.userId,
        sessionId: session.sessionId,
        problem,
      });
    }
  }
  return differences;
}

function compare(
  source: SessionDigest,
  stored: { found: boolean; messages: HashedMessage[] } | undefined,
): string | null {
  if (!stored?.found) return 'missing in the target';
  const target = digestSession(stored.messages);
  if (target.messages !== source.messages) {
    return `the source has ${source.messages} message(s), the target ${target.messages}`;
  }
  if (target.hash !== source.hash) {
    return `content hash differs (source ${source.hash.slice(0, 12)}, target ${target.hash.slice(0, 12)})`;
  }
  return null;
}

function sessionKey(userId: string, sessionId: string): string {
  return `${userId}\u0000${sessionId}`;
}
