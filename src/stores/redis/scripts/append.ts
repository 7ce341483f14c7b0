import type { AppendResult } from '../../../contract/types.js';
import type { ResolvedMessage } from '../../../contract/validation.js';
import { appendedFromReply, messageArgs } from '../message-codec.js';
import type { ScriptCall, WriteSettings } from '../script-call.js';
import { expectOk } from '../script-results.js';
import { hashFromList, sessionFromHash } from '../session-codec.js';

/** append.lua: the arguments of an append and its reply as the contract's result. */
export function appendCall(
  settings: WriteSettings & { userId: string },
  agentId: string | undefined,
  messages: readonly ResolvedMessage[],
): ScriptCall<AppendResult> {
  const args: string[] = [
    settings.sessionId,
    String(settings.ttlMs),
    String(settings.maxHistory),
    agentId ?? '',
  ];
  for (const message of messages) args.push(...messageArgs(message));
  return {
    script: 'append',
    keys: settings.keys,
    args,
    decode(reply) {
      const [code, nowMs, hash, inserted, items] = reply as [
        number,
        number,
        string[],
        number,
        unknown,
      ];
      expectOk(code);
      return {
        session: sessionFromHash(settings.userId, settings.sessionId, hashFromList(hash)),
        messages: appendedFromReply(items, messages, nowMs),
        inserted,
      };
    },
  };
}
