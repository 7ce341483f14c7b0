-- append: the whole append of the redis store, atomically and in one round trip: creates the
-- session when missing, skips messages whose messageId is stored (returning the stored original),
-- numbers the rest lastSeq+1.., trims past max history, slides every TTL and indexes the session.
--   KEYS[1] session hash    KEYS[2] message list    KEYS[3] messageId -> seq hash
--   KEYS[4] user's session index (zset by last activity, microseconds)
--   KEYS[5] user's message counts (session id -> kept messages; cleanup counts with it)
--   ARGV[1] session id   ARGV[2] ttl ms ('0': never expires)   ARGV[3] max history ('0': all)
--   ARGV[4] agent id ('' keeps the session's)
--   ARGV[5..] pairs: messageId, body (the JSON members role/content/metadata, without braces)
-- Message bodies are spliced in as given, never decoded: cjson would re-encode users' JSON (empty
-- objects become arrays, big numbers lose digits). Every key shares the user's hash tag, so this
-- runs on Redis Cluster. Returns { session hash as a flat list, inserted count, stored items }.
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local now_us = string.format('%.0f', now)
local now_ms = string.format('%.0f', math.floor(now / 1000))
local ttl = tonumber(ARGV[2])
local max = tonumber(ARGV[3])

local last = tonumber(redis.call('HGET', KEYS[1], 'l') or '-1')
local count = 0
if last < 0 then
  -- A new session (or one that expired): start from seq 1 with nothing left over.
  last = 0
  redis.call('DEL', KEYS[2], KEYS[3])
  redis.call('HSET', KEYS[1], 'c', now_us, 'm', '{}', 'a', '', 't', 'null')
else
  count = tonumber(redis.call('HGET', KEYS[1], 'n'))
end
local first = last - count + 1

local items = {}
local inserted = 0
for i = 5, #ARGV, 2 do
  local id = ARGV[i]
  local stored = redis.call('HGET', KEYS[3], id)
  if stored then
    items[#items + 1] = redis.call('LINDEX', KEYS[2], tonumber(stored) - first)
  else
    last = last + 1
    count = count + 1
    inserted = inserted + 1
    local item = '{"seq":' .. string.format('%d', last) .. ',"messageId":"' .. id ..
      '","createdAt":' .. now_ms .. ',' .. ARGV[i + 1] .. '}'
    redis.call('RPUSH', KEYS[2], item)
    redis.call('HSET', KEYS[3], id, last)
    items[#items + 1] = item
  end
end

if max > 0 and count > max then
  -- Trim the oldest; their messageIds go too, as the SQL stores forget trimmed rows.
  local gone = redis.call('LPOP', KEYS[2], count - max)
  for _, item in ipairs(gone) do
    redis.call('HDEL', KEYS[3], string.match(item, '^{"seq":%d+,"messageId":"([^"]*)"'))
  end
  count = max
end

local expires = ''
if ttl > 0 then expires = string.format('%.0f', now + ttl * 1000) end
redis.call('HSET', KEYS[1], 'u', now_us, 'e', expires, 'l', string.format('%d', last),
  'n', string.format('%d', count))
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'a', ARGV[4]) end
redis.call('ZADD', KEYS[4], now_us, ARGV[1])
redis.call('HSET', KEYS[5], ARGV[1], count)
-- The index and counts outlive the sessions they name by a day, so cleanup can still count
-- what expired (the sessions themselves vanish at their TTL).
for k = 1, 5 do
  if ttl <= 0 then
    redis.call('PERSIST', KEYS[k])
  elseif k <= 3 then
    redis.call('PEXPIRE', KEYS[k], ttl)
  else
    redis.call('PEXPIRE', KEYS[k], ttl + 86400000)
  end
end

return { redis.call('HGETALL', KEYS[1]), inserted, items }
