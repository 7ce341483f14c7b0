import type { ScriptCall } from './script-call.js';

/** Frees a refill lease if `token` still holds it (unlock-lease.lua); true: freed. */
export function unlockLease(lease: string, token: string): ScriptCall<boolean> {
  return {
    script: 'unlockLease',
    keys: [lease],
    args: [token],
    decode: (reply) => reply === 1,
  };
}
