import type { DeletedCounts } from '../../../contract/types.js';
import type { ScriptCall } from '../script-call.js';

/** delete-user.lua (and prune-user.lua, same shape): a user's keys by its index and counts. */
export function userSweepCall(
  script: 'deleteUser' | 'pruneUser',
  userBase: string,
): ScriptCall<DeletedCounts> {
  return {
    script,
    keys: [`${userBase}sessions`, `${userBase}counts`],
    args: [userBase],
    decode(reply) {
      const [sessions, messages] = reply as [number, number];
      return { sessions, messages };
    },
  };
}
