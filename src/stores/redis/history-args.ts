import type { HistoryQuery } from '../../contract/validation.js';

/**
 * A history query as the Lua scripts that read a window take it (history.lua for the redis
 * store, read-window.lua for the hybrid cache): kind, after seq, before seq ('' when not given),
 * page size.
 */
export type RangeQuery = Exclude<HistoryQuery, { kind: 'window' }>;

export function historyArgs(query: RangeQuery): Array<string | number> {
  switch (query.kind) {
    case 'newest':
      return ['newest', '', '', query.limit];
    case 'after':
      return ['after', query.afterSeq, query.beforeSeq ?? '', query.limit];
    case 'before':
      return ['before', '', query.beforeSeq, query.limit];
  }
}
