import type { Message } from '../../../contract/types.js';
import type { HistoryQuery } from '../../../contract/validation.js';
import { historyArgs } from '../history-args.js';
import { messagesFromReply } from '../message-codec.js';
import type { ScriptCall } from '../script-call.js';
import { expectOk } from '../script-results.js';

/**
 * history.lua: one page or window, oldest first. ARGV: the page as historyArgs gives it (kind,
 * after seq, before seq, page size), then align, token budget, pin system, statuses; a window is
 * the newest page with its options (page size '' for a budget alone).
 */
export function historyCall(keys: readonly string[], query: HistoryQuery): ScriptCall<Message[]> {
  const args =
    query.kind === 'window'
      ? [
          'newest',
          '',
          '',
          query.last ?? '',
          query.align,
          query.tokenBudget ?? '',
          query.pinSystem ? '1' : '',
          query.statuses ? JSON.stringify(query.statuses) : '',
        ]
      : [...historyArgs(query), 'exact', '', '', ''];
  return {
    script: 'history',
    keys,
    args,
    decode(reply) {
      const [code, nowMs, items] = reply as [number, number, unknown];
      expectOk(code);
      return messagesFromReply(items, nowMs);
    },
  };
}
