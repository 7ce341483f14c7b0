-- update-session: changes only the fields flagged '1' and slides every TTL (an update is a
-- write). False when the session is not visible.
--   KEYS[1] session hash   KEYS[2] message list   KEYS[3] messageId -> seq hash
--   KEYS[4] user's session index   KEYS[5] user's message counts
--   ARGV[1] session id   ARGV[2] ttl ms ('0': never)
--   ARGV[3] set agent? ARGV[4] agent id ('' for none)   ARGV[5] set title? ARGV[6] title JSON
--   ARGV[7] set metadata? ARGV[8] metadata JSON
-- Returns the session hash as a flat list.
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local now_us = string.format('%.0f', now)
local ttl = tonumber(ARGV[2])
local expires = ''
if ttl > 0 then expires = string.format('%.0f', now + ttl * 1000) end
redis.call('HSET', KEYS[1], 'u', now_us, 'e', expires)
if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'a', ARGV[4]) end
if ARGV[5] == '1' then redis.call('HSET', KEYS[1], 't', ARGV[6]) end
if ARGV[7] == '1' then redis.call('HSET', KEYS[1], 'm', ARGV[8]) end
redis.call('ZADD', KEYS[4], now_us, ARGV[1])
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
return redis.call('HGETALL', KEYS[1])
