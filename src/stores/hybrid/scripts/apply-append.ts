import type { AppendResult } from '../../../contract/types.js';
import { messageItem, sessionFields } from '../cache-codec.js';
import type { SessionCacheKeys } from '../cache-keys.js';
import type { ScriptCall } from './script-call.js';
import { resultName } from './script-results.js';

export type ApplyOutcome = 'done' | 'notCached' | 'dropped';

/** write-through, after the commit: the messages `result` inserted, in seq order (apply-append.lua). */
export function applyAppend(
  keys: SessionCacheKeys,
  result: AppendResult,
  cacheTtlMs: number,
  windowSize: number,
): ScriptCall<ApplyOutcome> {
  const firstNew = result.session.lastSeq - result.inserted;
  const items = result.messages.filter((m) => m.seq > firstNew).sort((a, b) => a.seq - b.seq);
  return {
    script: 'applyAppend',
    keys,
    args: [
      cacheTtlMs,
      windowSize,
      result.inserted,
      ...sessionFields(result.session),
      ...items.map(messageItem),
    ],
    decode: (reply) => resultName('apply-append', reply, ['done', 'notCached', 'dropped']),
  };
}
