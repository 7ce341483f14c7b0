import type { Message, Session } from '../../../contract/types.js';
import { messageItem, sessionFields } from '../cache-codec.js';
import type { SessionCacheKeys, WriteMarkKeys } from '../cache-keys.js';
import type { ScriptCall } from './script-call.js';
import { resultName } from './script-results.js';

/** A session read from PostgreSQL and its newest messages, oldest first (fill.lua): filled? */
export function fill(
  keys: SessionCacheKeys,
  marks: WriteMarkKeys,
  leaseToken: string,
  cacheTtlMs: number,
  session: Session,
  messages: readonly Message[],
): ScriptCall<boolean> {
  return {
    script: 'fill',
    keys: [...keys, marks.session, marks.user],
    args: [leaseToken, cacheTtlMs, ...sessionFields(session), ...messages.map(messageItem)],
    decode: (reply) => resultName('fill', reply, ['done', 'leaseLost']) === 'done',
  };
}
