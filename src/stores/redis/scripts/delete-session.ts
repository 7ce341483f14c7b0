import type { ScriptCall } from '../script-call.js';

/** delete-session.lua: the session and its messages; false when nothing visible was there. */
export function deleteSessionCall(
  keys: readonly string[],
  sessionId: string,
  userBase: string,
): ScriptCall<boolean> {
  return {
    script: 'deleteSession',
    keys,
    args: [sessionId, userBase],
    decode: (reply) => reply === 1,
  };
}
