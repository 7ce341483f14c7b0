import type { Message } from '../../../contract/types.js';
import { changeArgs, type MessageChange } from '../message-codec.js';
import type { ChangeSignal, ScriptCall, WriteSettings } from '../script-call.js';
import { decodeOneMessage } from './update-message.js';

/** checkpoint-message.lua: a draft's new content/data, by the holder of its lease. */
export function checkpointMessageCall(
  settings: WriteSettings,
  messageId: string,
  lease: string,
  change: MessageChange,
  signal: ChangeSignal,
): ScriptCall<Message> {
  return {
    script: 'checkpointMessage',
    keys: settings.keys,
    args: [
      settings.sessionId,
      String(settings.ttlMs),
      messageId,
      lease,
      signal.channel,
      signal.key,
      ...changeArgs(change),
    ],
    decode: decodeOneMessage,
  };
}
