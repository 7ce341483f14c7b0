-- read-window: a history read served from the cached window when the window holds the whole
-- answer; otherwise it says so and the caller reads PostgreSQL. On a miss it takes the refill
-- lease (when free), so that a refill racing a write can be voided by that write (see fill.lua).
-- While a write mark stands (write-through: a write that may have committed without the cache
-- showing it, see mark-write.lua) it asks PostgreSQL; a session mark older than any write can
-- last is repaired here: the cached session is dropped, and the read misses and refills it.
--   KEYS[1] session hash   KEYS[2] cached window (list, oldest first)   KEYS[3] refill lease
--   KEYS[4] messageId -> seq   KEYS[5] the session's write marks   KEYS[6] the user's write marks
--   ARGV[1] kind: 'newest' | 'after' | 'before'   ARGV[2] after seq   ARGV[3] before seq
--   ('' when not given)   ARGV[4] page size   ARGV[5] lease token   ARGV[6] lease ms
--   ARGV[7] age (ms) past which a write mark is abandoned
-- Returns { 1, items } served; { 0, token or '' } not cached (token: this caller holds the
-- lease); { 2, pending } ask PostgreSQL (older than the window, expired, or marked stale), with
-- the count of entries still waiting for the flusher (the codes: script-results.ts). Arguments
-- built and reply read by read-window.ts.
local now_parts = nil
local function now_us()
  now_parts = now_parts or redis.call('TIME')
  return tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
end
local function marked(marks, repairable)
  local oldest = redis.call('ZRANGE', marks, 0, 0, 'WITHSCORES')
  if #oldest == 0 then return false end
  local stale_before = math.floor(now_us() / 1000) - tonumber(ARGV[7])
  if tonumber(oldest[2]) > stale_before then return true end
  -- Abandoned: its writer is gone and whatever it sent PostgreSQL has ended. A user's mark
  -- (deleteUser) stays until its TTL, since only some of the user's sessions are dropped here.
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[4], KEYS[3])
  if not repairable then return true end
  redis.call('ZREMRANGEBYSCORE', marks, '-inf', stale_before)
  return redis.call('EXISTS', marks) == 1
end
local any_mark = redis.call('EXISTS', KEYS[5], KEYS[6]) > 0
if any_mark and (marked(KEYS[5], true) or marked(KEYS[6], false)) then return { 2, 0 } end
-- The session's fields in one HMGET (one call where there were five): last seq, pending
-- flushes, the stale mark, expiry, kept count.
local fields = redis.call('HMGET', KEYS[1], F.lastSeq, F.pending, F.stale, F.expiresAt,
  F.messageCount)
local last = fields[1]
if not last then
  if redis.call('SET', KEYS[3], ARGV[5], 'NX', 'PX', ARGV[6]) then return { 0, ARGV[5] } end
  return { 0, '' }
end
local pending = tonumber(fields[2] or '0')
-- Marked stale by flush-ack (PostgreSQL renumbered or skipped some of its messages).
if fields[3] then return { 2, pending } end
local expires = fields[4]
if expires and expires ~= '' then
  if tonumber(expires) <= now_us() then
    return { 2, pending }
  end
end
last = tonumber(last)
local kept_first = last - tonumber(fields[5]) + 1
local window_first = last - redis.call('LLEN', KEYS[2]) + 1
local limit = tonumber(ARGV[4])
local lo, hi
if ARGV[1] == 'newest' then
  hi = last
  lo = math.max(kept_first, last - limit + 1)
elseif ARGV[1] == 'after' then
  lo = math.max(kept_first, tonumber(ARGV[2]) + 1)
  hi = last
  if ARGV[3] ~= '' then hi = math.min(hi, tonumber(ARGV[3]) - 1) end
  hi = math.min(hi, lo + limit - 1)
else
  hi = math.min(last, tonumber(ARGV[3]) - 1)
  lo = math.max(kept_first, hi - limit + 1)
end
if lo > hi then return { 1, {} } end
if lo < window_first then return { 2, pending } end
local items = redis.call('LRANGE', KEYS[2], lo - window_first, hi - window_first)
-- The window is addressed by seq as if it had no gaps. A gap (a seq consumed by a retry that
-- PostgreSQL already had, see flush-insert.sql) would shift every page: check both ends, and ask
-- PostgreSQL when they are not the seqs asked for.
local function seq_of(item)
  return tonumber(string.match(item or '', '^{"seq":(%d+),'))
end
if seq_of(items[1]) ~= lo or seq_of(items[#items]) ~= hi then return { 2, pending } end
return { 1, items }
