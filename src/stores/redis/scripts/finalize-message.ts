import type { FinalStatus, Message } from '../../../contract/types.js';
import { changeArgs, type MessageChange } from '../message-codec.js';
import type { ChangeSignal, ScriptCall, WriteSettings } from '../script-call.js';
import { decodeOneMessage } from './update-message.js';

/** finalize-message.lua: a draft ends complete, aborted or in error. */
export function finalizeMessageCall(
  settings: WriteSettings,
  messageId: string,
  lease: string | undefined,
  status: FinalStatus,
  change: MessageChange,
  signal: ChangeSignal,
): ScriptCall<Message> {
  return {
    script: 'finalizeMessage',
    keys: settings.keys,
    args: [
      settings.sessionId,
      String(settings.ttlMs),
      messageId,
      lease ?? '',
      status,
      signal.channel,
      signal.key,
      ...changeArgs(change),
    ],
    decode: decodeOneMessage,
  };
}
