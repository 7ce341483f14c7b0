import type { HistoryAlign, Message, MessageStatus } from '../../src/index.js';

export interface WindowQuery {
  last?: number;
  tokenBudget?: number;
  align?: HistoryAlign;
  pinSystem?: boolean;
  statuses?: MessageStatus[];
}

/**
 * The windows of issue 11 computed by their definition, by brute force over every possible cut:
 * what the stores' one-call implementations (SQL history_window, the redis window script) are
 * checked against. `all` is every message of the session, oldest first.
 */
export function referenceWindow(all: readonly Message[], query: WindowQuery): number[] {
  const visible = all.filter((m) => !query.statuses || query.statuses.includes(m.status));
  const align = query.align ?? 'exact';
  const aligned = align !== 'exact' || query.tokenBudget !== undefined;
  const pinned: Message[] = [];
  if (query.pinSystem) {
    for (const m of visible) {
      if (m.role !== 'system') break;
      pinned.push(m);
    }
  }
  const rest = visible.slice(pinned.length);
  const callsOf = (m: Message, id: string) =>
    visible.filter((c) => c.seq <= m.seq && c.toolCallIds.includes(id));
  const orphan = (m: Message) => m.toolResultIds.some((id) => callsOf(m, id).length === 0);
  const kept = (i: number) => rest.slice(i).filter((m) => !aligned || !orphan(m));
  const safe = (i: number) => {
    if (i === rest.length) return true;
    const start = rest[i]!.seq;
    const previous = i > 0 ? rest[i - 1] : pinned.at(-1);
    if (previous && previous.kind === 'reasoning') return false;
    if (align === 'turn' && rest[i]!.role !== 'user') return false;
    return kept(i).every((m) =>
      m.toolResultIds.every((id) => callsOf(m, id).every((c) => c.seq >= start)),
    );
  };
  const tokens = (i: number) => kept(i).reduce((sum, m) => sum + m.tokenCount, 0);
  let start: number;
  if (query.tokenBudget !== undefined) {
    const budget = query.tokenBudget - pinned.reduce((sum, m) => sum + m.tokenCount, 0);
    start = rest.length;
    for (let i = rest.length; i >= 0; i--) {
      if (tokens(i) > budget) break;
      if (query.last !== undefined && kept(i).length > query.last) break;
      if (safe(i) && (align !== 'turn' || i === rest.length || rest[i]!.role === 'user')) {
        start = i;
      }
    }
    // The empty window is always a (last) resort; a whole session that fits is safe too.
  } else {
    const last = query.last ?? 100;
    start = 0;
    for (let i = rest.length; i >= 0; i--) {
      if (kept(i).length < last) continue;
      if (!aligned || safe(i)) {
        start = i;
        break;
      }
    }
    if (!aligned) start = Math.max(0, rest.length - last);
  }
  return [...pinned, ...kept(start)].map((m) => m.seq);
}
