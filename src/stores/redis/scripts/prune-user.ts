import type { DeletedCounts } from '../../../contract/types.js';
import type { ScriptCall } from '../script-call.js';
import { userSweepCall } from './delete-user.js';

/** prune-user.lua: cleanup's pass over one user (same keys and reply as delete-user.lua). */
export function pruneUserCall(userBase: string): ScriptCall<DeletedCounts> {
  return userSweepCall('pruneUser', userBase);
}
