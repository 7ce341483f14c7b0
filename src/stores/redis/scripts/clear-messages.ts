import type { Deleted } from '../../../contract/types.js';
import type { ScriptCall, WriteSettings } from '../script-call.js';
import { decodeDeleted } from './truncate.js';

/** clear-messages.lua: every message of the session; the session stays. */
export function clearMessagesCall(settings: WriteSettings): ScriptCall<Deleted> {
  return {
    script: 'clearMessages',
    keys: settings.keys,
    args: [settings.sessionId, String(settings.ttlMs)],
    decode: decodeDeleted,
  };
}
