import type { Deleted } from '../../../contract/types.js';
import type { ScriptCall, WriteSettings } from '../script-call.js';
import { decodeDeleted } from './truncate.js';

/** delete-messages.lua: the messages with these ids. */
export function deleteMessagesCall(
  settings: WriteSettings,
  messageIds: readonly string[],
): ScriptCall<Deleted> {
  return {
    script: 'deleteMessages',
    keys: settings.keys,
    args: [settings.sessionId, String(settings.ttlMs), ...messageIds],
    decode: decodeDeleted,
  };
}
