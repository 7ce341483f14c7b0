import type { ScriptCall } from '../script-call.js';

/** unlock.lua: releases a job lock only while this token holds it. */
export function unlockCall(lockKey: string, token: string): ScriptCall<boolean> {
  return { script: 'unlock', keys: [lockKey], args: [token], decode: (reply) => reply === 1 };
}
