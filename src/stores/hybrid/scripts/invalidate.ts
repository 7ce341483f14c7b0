import type { Session } from '../../../contract/types.js';
import { sessionFields } from '../cache-codec.js';
import type { SessionCacheKeys, WriteMarkKeys } from '../cache-keys.js';
import type { ScriptCall } from './script-call.js';
import { resultName } from './script-results.js';

export type InvalidateOutcome = 'dropped' | 'updated' | 'kept';

/**
 * After PostgreSQL changed a session (invalidate.lua): with `session`, its fields u e a t m
 * replace the cached ones when it cannot be dropped (entries wait for the flusher); with
 * `markToken`, the writer's mark is cleared.
 */
export function invalidate(
  keys: SessionCacheKeys,
  marks: WriteMarkKeys,
  session?: Session,
  markToken = '',
): ScriptCall<InvalidateOutcome> {
  const fields = session ? sessionFields(session) : null;
  return {
    script: 'invalidate',
    keys: [...keys, marks.session],
    args: [
      ...(fields
        ? [fields[1]!, fields[2]!, fields[5]!, fields[6]!, fields[7]!]
        : ['', '', '', '', '']),
      markToken,
    ],
    decode: (reply) => resultName('invalidate', reply, ['dropped', 'updated', 'kept']),
  };
}
