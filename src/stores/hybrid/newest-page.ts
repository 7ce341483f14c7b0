import type { Message } from '../../contract/types.js';
import { SESSION_FIELD } from '../redis/fields.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { messageFromItem } from '../redis/session-codec.js';
import type { SessionCacheKeys, WriteMarkKeys } from './cache-keys.js';

/**
 * The common cache hit without Lua: the newest `limit` messages of a cached session that no
 * write mark holds, read in one MULTI (the marks' existence, the session fields read-window.lua
 * decides by, the window's length, the server's clock and the window's newest items), so the
 * decision is made on one moment of the cache, as the script makes it. Only a hit is decided
 * here; anything else (a mark, a session not cached, stale, expired or older than the window,
 * a gap in the window) returns undefined and read-window.lua decides, with the refill lease and
 * the repairs only it may do. Returned through the script, each of 50 items was copied into a
 * Lua string and out again; here Redis answers from the list directly.
 */
export async function readNewestPage(
  connection: RedisConnection,
  [meta, window]: SessionCacheKeys,
  marks: WriteMarkKeys,
  limit: number,
): Promise<Message[] | undefined> {
  const replies = await connection
    .multi()
    .exists(marks.session, marks.user)
    .hmget(meta, FIELDS.last, FIELDS.kept, FIELDS.expires, FIELDS.stale)
    .llen(window)
    .time()
    .lrange(window, -limit, -1)
    .exec();
  const [marked, fields, length, time, items] = (replies ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  }) as [number, Array<string | null>, number, [string, string], string[]];
  const [lastText, keptText, expires, stale] = fields;
  if (marked > 0 || lastText == null || keptText == null || stale != null) return undefined;
  const nowUs = Number(time[0]) * 1_000_000 + Number(time[1]);
  if (expires != null && expires !== '' && Number(expires) <= nowUs) return undefined;
  const last = Number(lastText);
  const lo = Math.max(last - Number(keptText) + 1, last - limit + 1);
  if (lo > last) return [];
  if (lo < last - length + 1) return undefined;
  const page = items.slice(items.length - (last - lo + 1));
  if (seqOf(page[0]) !== lo || seqOf(page[page.length - 1]) !== last) return undefined;
  return page.map(messageFromItem);
}

const FIELDS = {
  last: SESSION_FIELD.lastSeq,
  kept: SESSION_FIELD.messageCount,
  expires: SESSION_FIELD.expiresAt,
  /** Set by flush-ack.lua: PostgreSQL renumbered or skipped some of the session's messages. */
  stale: 'x',
} as const;

/** The seq an item starts with (`{"seq":<n>,...`), as read-window.lua reads it. */
function seqOf(item: string | undefined): number | undefined {
  const match = item === undefined ? null : /^\{"seq":(\d+),/.exec(item);
  return match ? Number(match[1]) : undefined;
}
