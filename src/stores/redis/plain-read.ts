import type { Message } from '../../contract/types.js';
import type { HistoryQuery } from '../../contract/validation.js';
import { SESSION_KEYS } from './layout.js';
import { messagesFromReply } from './message-codec.js';
import type { RedisConnection } from './redis-connection.js';
import { SCRIPT_RESULT, scriptError } from './script-results.js';

/** A read that is one range of the log: a page (the newest N, after or before a seq). */
export interface PlainRange {
  reverse: boolean;
  /** Score bounds as ZRANGE BYSCORE takes them (`(n` exclusive, `-inf`, `+inf`). */
  lo: string;
  hi: string;
  limit: number;
}

/** The range a page reads; undefined for a window (history.lua cuts those). */
export function plainRange(query: HistoryQuery): PlainRange | undefined {
  switch (query.kind) {
    case 'newest':
      return { reverse: true, lo: '-inf', hi: '+inf', limit: query.limit };
    case 'after':
      return {
        reverse: false,
        lo: `(${query.afterSeq}`,
        hi: query.beforeSeq === null ? '+inf' : `(${query.beforeSeq}`,
        limit: query.limit,
      };
    case 'before':
      return { reverse: true, lo: '-inf', hi: `(${query.beforeSeq}`, limit: query.limit };
    case 'window':
      return undefined;
  }
}

const META = SESSION_KEYS.indexOf('meta');
const LOG = SESSION_KEYS.indexOf('log');
const LEGACY_LIST = SESSION_KEYS.indexOf('legacyList');

/**
 * A plain read without Lua: one MULTI (the session's existence, the older list layout's, the
 * server's clock, one ZRANGE of the log), so it sees one moment of the session as history.lua
 * does. Returning 50 members through a script copied each into a Lua string and out again (85-94
 * µs of server time against 15 µs for the ZRANGE inside it); here Redis answers from the sorted
 * set directly. Undefined when the session is still in the list layout: history.lua moves it.
 */
export async function plainRead(
  connection: RedisConnection,
  keys: readonly string[],
  range: PlainRange,
): Promise<Message[] | undefined> {
  const log = keys[LOG]!;
  const read = range.reverse
    ? ['ZRANGE', log, range.hi, range.lo, 'BYSCORE', 'REV', 'LIMIT', 0, range.limit]
    : ['ZRANGE', log, range.lo, range.hi, 'BYSCORE', 'LIMIT', 0, range.limit];
  const replies = await connection
    .multi()
    .exists(keys[META]!)
    .exists(keys[LEGACY_LIST]!)
    .time()
    .call(...(read as [string, ...Array<string | number>]))
    .exec();
  const [live, legacy, time, members] = (replies ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  }) as [number, number, [string, string], string[]];
  if (live === 0) throw scriptError(SCRIPT_RESULT.sessionNotFound);
  if (legacy === 1) return undefined;
  const nowMs = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
  const messages = messagesFromReply(members, nowMs);
  return range.reverse ? messages.reverse() : messages;
}
