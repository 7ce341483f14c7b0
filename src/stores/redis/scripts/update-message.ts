import type { Message, MessageStatus } from '../../../contract/types.js';
import { changeArgs, oneMessageFromReply, type MessageChange } from '../message-codec.js';
import type { ScriptCall, WriteSettings } from '../script-call.js';
import { expectOk } from '../script-results.js';

/** update-message.lua: the given fields of one message, optionally at an expected version. */
export function updateMessageCall(
  settings: WriteSettings,
  messageId: string,
  expectedVersion: number | undefined,
  status: MessageStatus | undefined,
  change: MessageChange,
): ScriptCall<Message> {
  return {
    script: 'updateMessage',
    keys: settings.keys,
    args: [
      settings.sessionId,
      String(settings.ttlMs),
      messageId,
      expectedVersion === undefined ? '' : String(expectedVersion),
      status ?? '',
      ...changeArgs(change),
    ],
    decode: decodeOneMessage,
  };
}

/** A reply { code, now ms, message }: the message, or the contract's error for the code. */
export function decodeOneMessage(reply: unknown): Message {
  const [code, nowMs, item] = reply as [number, number, unknown];
  expectOk(code);
  return oneMessageFromReply(item, nowMs);
}
