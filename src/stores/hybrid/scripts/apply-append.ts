import type { AppendResult } from '../../../contract/types.js';
import { messageItem, sessionFields } from '../cache-codec.js';
import type { SessionCacheKeys, WriteMarkKeys } from '../cache-keys.js';
import type { ScriptCall } from './script-call.js';
import { resultName } from './script-results.js';

export type ApplyOutcome = 'done' | 'notCached' | 'dropped';

/**
 * write-through, after the commit: the messages `result` inserted, in seq order, and the
 * writer's mark token to clear ('' none) (apply-append.lua).
 */
export function applyAppend(
  keys: SessionCacheKeys,
  marks: WriteMarkKeys,
  markToken: string,
  result: AppendResult,
  settings: { cacheTtlMs: number; windowSize: number },
): ScriptCall<ApplyOutcome> {
  const firstNew = result.session.lastSeq - result.inserted;
  const items = result.messages.filter((m) => m.seq > firstNew).sort((a, b) => a.seq - b.seq);
  return {
    script: 'applyAppend',
    keys: [...keys, marks.session],
    args: [
      settings.cacheTtlMs,
      settings.windowSize,
      result.inserted,
      markToken,
      ...sessionFields(result.session),
      ...items.map(messageItem),
    ],
    decode: (reply) => resultName('apply-append', reply, ['done', 'notCached', 'dropped']),
  };
}
