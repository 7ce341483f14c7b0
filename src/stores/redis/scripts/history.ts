import type { Message, MessageStatus, HistoryAlign } from '../../../contract/types.js';
import { messagesFromReply } from '../message-codec.js';
import type { ScriptCall } from '../script-call.js';
import { expectOk } from '../script-results.js';

/** A read as history.lua takes it: the page (see history-args.ts) and the window options. */
export interface HistoryWindow {
  /** kind, after seq, before seq, page size ('' for none), from historyArgs. */
  page: Array<string | number>;
  align: HistoryAlign;
  tokenBudget?: number;
  pinSystem?: boolean;
  statuses?: readonly MessageStatus[];
}

/** history.lua: one page or window, oldest first. */
export function historyCall(keys: readonly string[], window: HistoryWindow): ScriptCall<Message[]> {
  return {
    script: 'history',
    keys,
    args: [
      ...window.page,
      window.align,
      window.tokenBudget ?? '',
      window.pinSystem ? '1' : '',
      window.statuses ? JSON.stringify(window.statuses) : '',
    ],
    decode(reply) {
      const [code, nowMs, items] = reply as [number, number, unknown];
      expectOk(code);
      return messagesFromReply(items, nowMs);
    },
  };
}
