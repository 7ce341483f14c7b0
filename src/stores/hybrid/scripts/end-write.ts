import type { ScriptCall } from './script-call.js';

/** Clears a write mark whose write is settled with no cache update (end-write.lua). */
export function endWrite(marks: string, token: string): ScriptCall<boolean> {
  return { script: 'endWrite', keys: [marks], args: [token], decode: (reply) => reply === 1 };
}
