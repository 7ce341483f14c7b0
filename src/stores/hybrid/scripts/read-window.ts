import type { Message } from '../../../contract/types.js';
import { historyArgs, type RangeQuery } from '../../redis/history-args.js';
import { messageFromItem } from '../../redis/session-codec.js';
import type { SessionCacheKeys, WriteMarkKeys } from '../cache-keys.js';
import type { ScriptCall } from './script-call.js';
import { resultName } from './script-results.js';

/** What a history read found in the cache (read-window.lua). */
export type WindowRead =
  | { kind: 'hit'; messages: Message[] }
  | { kind: 'miss'; leaseToken: string | null }
  | { kind: 'database'; pending: number };

export function readWindow(
  [meta, window, ids, lease]: SessionCacheKeys,
  marks: WriteMarkKeys,
  query: RangeQuery,
  refill: { token: string; ms: number },
  markAbandonedMs: number,
): ScriptCall<WindowRead> {
  return {
    script: 'readWindow',
    keys: [meta, window, lease, ids, marks.session, marks.user],
    args: [...historyArgs(query), refill.token, refill.ms, markAbandonedMs],
    decode(reply) {
      const [code, value] = reply as [number, unknown];
      switch (resultName('read-window', code, ['done', 'notCached', 'askDatabase'])) {
        case 'done':
          return { kind: 'hit', messages: (value as string[]).map(messageFromItem) };
        case 'notCached':
          return { kind: 'miss', leaseToken: (value as string) || null };
        case 'askDatabase':
          return { kind: 'database', pending: Number(value) };
      }
    },
  };
}
