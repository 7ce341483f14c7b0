import type { Message } from '../../../src/index.js';
import type { MessageStatus } from '../../../src/contract/types.js';

/**
 * A brute-force reading of the window definition (issue 11), to check the redis store's one-script
 * windows against: filter by status, leave out results whose call is not there, then try every
 * cut. Slow on purpose: it shares no code with the Lua.
 */
export interface WindowQuery {
  last: number;
  align: 'exact' | 'tool-pairs' | 'turn';
  tokenBudget?: number;
  pinSystem?: boolean;
  statuses?: MessageStatus[];
}

export function referenceWindow(all: Message[], query: WindowQuery): number[] {
  const kept = query.statuses ? all.filter((m) => query.statuses!.includes(m.status)) : all;
  const pinned: Message[] = [];
  if (query.pinSystem) {
    for (const m of kept) {
      if (m.role !== 'system') break;
      pinned.push(m);
    }
  }
  const rest = kept.slice(pinned.length);
  if (query.align === 'exact' && query.tokenBudget === undefined) {
    return [...pinned, ...rest.slice(Math.max(0, rest.length - query.last))].map((m) => m.seq);
  }
  const calls = new Map<string, number>();
  for (const m of kept) for (const id of m.toolCallIds) if (!calls.has(id)) calls.set(id, m.seq);
  const answered = (m: Message) =>
    m.toolResultIds.every((id) => calls.has(id) && calls.get(id)! <= m.seq);
  const w = rest.filter(answered);
  // The message just before a cut is the kept one before it, a left-out result included.
  const before = (m: Message) => rest[rest.indexOf(m) - 1];
  const safe = (i: number) =>
    before(w[i]!)?.kind !== 'reasoning' &&
    w.slice(i).every((m) => m.toolResultIds.every((id) => calls.get(id)! >= w[i]!.seq));
  let start: number;
  if (query.tokenBudget !== undefined) {
    const left = query.tokenBudget - pinned.reduce((sum, m) => sum + m.tokenCount, 0);
    start = w.length;
    for (let i = w.length - 1; i >= 0; i--) {
      const sum = w.slice(i).reduce((total, m) => total + m.tokenCount, 0);
      if (sum > left) break;
      if (w.length - i > query.last) break;
      if (safe(i) && (query.align !== 'turn' || w[i]!.role === 'user')) start = i;
    }
  } else {
    start = Math.max(0, w.length - query.last);
    while (start > 0 && !safe(start)) start--;
    if (query.align === 'turn') {
      while (start > 0 && !(safe(start) && w[start]!.role === 'user')) start--;
    }
  }
  return [...pinned, ...w.slice(start)].map((m) => m.seq);
}
