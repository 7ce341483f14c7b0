import type { Message } from '../../../contract/types.js';
import type { HistoryQuery } from '../../../contract/validation.js';
import { historyArgs } from '../../redis/history-args.js';
import { messageFromItem } from '../../redis/session-codec.js';
import type { SessionCacheKeys } from '../cache-keys.js';
import type { ScriptCall } from './script-call.js';
import { resultName } from './script-results.js';

/**
 * Which committed state of its session a cached window shows: its last seq and its incarnation
 * (the row's created_at, ms). A write-through reader compares them with PostgreSQL's row.
 */
export interface CachedVersion {
  lastSeq: number;
  createdAtMs: number;
}

/** What a history read found in the cache (read-window.lua). */
export type WindowRead =
  | { kind: 'hit'; messages: Message[]; cached: CachedVersion }
  | { kind: 'miss'; leaseToken: string | null }
  | { kind: 'database'; pending: number };

export function readWindow(
  [meta, window, , lease]: SessionCacheKeys,
  query: HistoryQuery,
  leaseToken: string,
  leaseMs: number,
): ScriptCall<WindowRead> {
  return {
    script: 'readWindow',
    keys: [meta, window, lease],
    args: [...historyArgs(query), leaseToken, leaseMs],
    decode(reply) {
      const [code, value, lastSeq, createdAt] = reply as [number, unknown, number?, string?];
      switch (resultName('read-window', code, ['done', 'notCached', 'askDatabase'])) {
        case 'done':
          return {
            kind: 'hit',
            messages: (value as string[]).map(messageFromItem),
            cached: {
              lastSeq: Number(lastSeq),
              createdAtMs: Math.floor(Number(createdAt) / 1000),
            },
          };
        case 'notCached':
          return { kind: 'miss', leaseToken: (value as string) || null };
        case 'askDatabase':
          return { kind: 'database', pending: Number(value) };
      }
    },
  };
}
