-- history: one page of a session's kept messages, oldest first. The list holds seq
-- (lastSeq - count, lastSeq] in order, so a seq range is an index range: one LRANGE.
--   KEYS[1] session hash   KEYS[2] message list
--   ARGV[1] kind: 'newest' | 'after' | 'before'   ARGV[2] after seq   ARGV[3] before seq
--   ('' when not given)   ARGV[4] page size
-- Returns false when the session is not visible (missing or expired), else the items.
local last = redis.call('HGET', KEYS[1], 'l')
if not last then return false end
last = tonumber(last)
local count = tonumber(redis.call('HGET', KEYS[1], 'n'))
local first = last - count + 1
local limit = tonumber(ARGV[4])
local lo, hi
if ARGV[1] == 'newest' then
  hi = last
  lo = math.max(first, last - limit + 1)
elseif ARGV[1] == 'after' then
  lo = math.max(first, tonumber(ARGV[2]) + 1)
  hi = last
  if ARGV[3] ~= '' then hi = math.min(hi, tonumber(ARGV[3]) - 1) end
  hi = math.min(hi, lo + limit - 1)
else
  hi = math.min(last, tonumber(ARGV[3]) - 1)
  lo = math.max(first, hi - limit + 1)
end
if lo > hi then return {} end
return redis.call('LRANGE', KEYS[2], lo - first, hi - first)
