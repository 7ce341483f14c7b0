import type { StoreScriptName } from './scripts.js';

/**
 * One call of a store script: its name, KEYS and ARGV, and how its reply becomes a result. Each
 * script's module beside it (scripts/<name>.ts) builds these, so an argument's position and a
 * reply's shape are written in one place, next to the Lua that reads them.
 */
export interface ScriptCall<R> {
  script: StoreScriptName;
  keys: readonly string[];
  args: ReadonlyArray<string | number>;
  decode(reply: unknown): R;
}

/** What every session write takes from the store's settings. */
export interface WriteSettings {
  keys: readonly string[];
  sessionId: string;
  ttlMs: number;
  maxHistory: number;
}

/** Where a draft script publishes its change signal (see change-feed/session-change-feed.ts). */
export interface ChangeSignal {
  channel: string;
  key: string;
}
