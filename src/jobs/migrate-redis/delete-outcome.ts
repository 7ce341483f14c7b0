import type { Reply } from './source-connection.js';
import type { DeleteOutcome, SourceSession } from './types.js';

/**
 * Reads the replies of the compare-and-delete scripts (one per session, the number of keys it
 * deleted): 0 means the source changed since it was read, and the session is named as kept. A
 * failed script throws, so the run stops rather than reporting a delete that did not happen.
 */
export function deleteOutcome(sessions: SourceSession[], replies: Reply[][]): DeleteOutcome {
  const outcome: DeleteOutcome = { deletedKeys: 0, changedKeys: [] };
  for (const [index, session] of sessions.entries()) {
    const [error, deleted] = replies[index]?.[0] ?? [null, 0];
    if (error) throw error;
    if (Number(deleted) > 0) outcome.deletedKeys += Number(deleted);
    else outcome.changedKeys.push(session.key);
  }
  return outcome;
}
