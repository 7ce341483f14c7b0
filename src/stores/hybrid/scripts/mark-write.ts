import type { ScriptCall } from './script-call.js';

/** Sets or refreshes a write mark (mark-write.lua); it lives `ttlMs` unless refreshed. */
export function markWrite(marks: string, token: string, ttlMs: number): ScriptCall<void> {
  return { script: 'markWrite', keys: [marks], args: [token, ttlMs], decode: () => undefined };
}
