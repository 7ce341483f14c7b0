-- create-session: a new empty session, or false when the user already has a live one (an
-- expired session's keys are gone, so its id is free again).
--   KEYS[1] session hash   KEYS[2] message list   KEYS[3] messageId -> seq hash
--   KEYS[4] user's session index   KEYS[5] user's message counts
--   ARGV[1] session id   ARGV[2] ttl ms ('0': never)   ARGV[3] agent id ('' none)
--   ARGV[4] title as JSON (a string or null)   ARGV[5] metadata as JSON
-- Returns the session hash as a flat list.
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local now_us = string.format('%.0f', now)
local ttl = tonumber(ARGV[2])
local expires = ''
if ttl > 0 then expires = string.format('%.0f', now + ttl * 1000) end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('HSET', KEYS[1], 'c', now_us, 'u', now_us, 'e', expires, 'l', '0', 'n', '0',
  'a', ARGV[3], 't', ARGV[4], 'm', ARGV[5])
redis.call('ZADD', KEYS[4], now_us, ARGV[1])
redis.call('HSET', KEYS[5], ARGV[1], 0)
-- The index and counts outlive the sessions they name by a day (see append.lua).
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
