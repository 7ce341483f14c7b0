import type { Message } from '../../../contract/types.js';
import { oneMessageFromReply } from '../message-codec.js';
import type { ScriptCall, WriteSettings } from '../script-call.js';
import { expectOk } from '../script-results.js';

/** pop-message.lua: the newest message, deleted; null when there is none. */
export function popMessageCall(settings: WriteSettings): ScriptCall<Message | null> {
  return {
    script: 'popMessage',
    keys: settings.keys,
    args: [settings.sessionId, String(settings.ttlMs)],
    decode(reply) {
      const [code, nowMs, item] = reply as [number, number, unknown];
      expectOk(code);
      return item ? oneMessageFromReply(item, nowMs) : null;
    },
  };
}
