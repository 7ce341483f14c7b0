import type { Deleted } from '../../../contract/types.js';
import type { ScriptCall, WriteSettings } from '../script-call.js';
import { expectOk } from '../script-results.js';

export type TruncatePoint = { afterSeq: number } | { afterMessageId: string; inclusive?: boolean };

/** truncate.lua: every message after a seq, or after (or from) a messageId. */
export function truncateCall(settings: WriteSettings, point: TruncatePoint): ScriptCall<Deleted> {
  const where =
    'afterSeq' in point
      ? ['seq', String(point.afterSeq), '']
      : ['id', point.afterMessageId, point.inclusive ? '1' : ''];
  return {
    script: 'truncate',
    keys: settings.keys,
    args: [settings.sessionId, String(settings.ttlMs), ...where],
    decode: decodeDeleted,
  };
}

/** A reply { code, deleted }. */
export function decodeDeleted(reply: unknown): Deleted {
  const [code, deleted] = reply as [number, number];
  expectOk(code);
  return { deleted };
}
