import type { Session } from '../../../contract/types.js';
import type { ScriptCall } from '../script-call.js';
import { hashFromList, sessionFromHash } from '../session-codec.js';

/** list-sessions.lua: up to `want` live sessions after a (score, session id) position. */
export function listSessionsCall(
  userId: string,
  userBase: string,
  after: { updatedMicros: string; sessionId: string } | null,
  want: number,
): ScriptCall<Array<{ micros: string; session: Session }>> {
  return {
    script: 'listSessions',
    keys: [`${userBase}sessions`],
    args: [userBase, after?.updatedMicros ?? '', after?.sessionId ?? '', want],
    decode(reply) {
      const flat = reply as Array<string | string[]>;
      const rows: Array<{ micros: string; session: Session }> = [];
      for (let i = 0; i + 2 < flat.length; i += 3) {
        const sessionId = flat[i + 1] as string;
        rows.push({
          micros: flat[i] as string,
          session: sessionFromHash(userId, sessionId, hashFromList(flat[i + 2] as string[])),
        });
      }
      return rows;
    },
  };
}
