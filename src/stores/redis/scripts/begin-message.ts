import type { BeginMessageResult } from '../../../contract/types.js';
import type { ResolvedMessage } from '../../../contract/validation.js';
import { messageArgs, oneMessageFromReply } from '../message-codec.js';
import type { ScriptCall, WriteSettings } from '../script-call.js';
import { expectOk } from '../script-results.js';

/** begin-message.lua: a streaming draft under a new lease (or the stored one, on a retry). */
export function beginMessageCall(
  settings: WriteSettings,
  agentId: string | undefined,
  lease: { token: string; ms: number },
  draft: ResolvedMessage,
): ScriptCall<BeginMessageResult> {
  return {
    script: 'beginMessage',
    keys: settings.keys,
    args: [
      settings.sessionId,
      String(settings.ttlMs),
      String(settings.maxHistory),
      agentId ?? '',
      lease.token,
      String(lease.ms),
      ...messageArgs(draft),
    ],
    decode(reply) {
      const [code, nowMs, item, token] = reply as [number, number, unknown, string];
      expectOk(code);
      return { message: oneMessageFromReply(item, nowMs), lease: token };
    },
  };
}
