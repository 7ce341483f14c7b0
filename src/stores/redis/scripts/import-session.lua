-- import-session: writes an exported session and a run of its messages as they were (seq, ids,
-- times), atomically: the session hash from the given fields, each message whose messageId the
-- session does not hold and whose seq is past the stored tail appended in order, the counts and
-- the user's index updated. A re-run stores nothing twice. Same keys as append.lua.
--   KEYS[1] session hash   KEYS[2] message list   KEYS[3] messageId -> seq hash
--   KEYS[4] user's session index   KEYS[5] user's message counts
--   ARGV[1] session id  ARGV[2] created (epoch us)  ARGV[3] updated (us)
--   ARGV[4] expires (epoch ms, '' never)  ARGV[5] last seq  ARGV[6] agent id ('' none)
--   ARGV[7] title (JSON)  ARGV[8] metadata (JSON)
--   ARGV[9..] triples: seq, messageId, the stored item (the whole message as JSON, as append.lua
--   writes it: seq, messageId and createdAt in ms first)
-- Returns the number of messages stored.
local last = tonumber(redis.call('HGET', KEYS[1], 'l') or '-1')
local count = 0
if last < 0 then
  last = 0
  redis.call('DEL', KEYS[2], KEYS[3])
else
  count = tonumber(redis.call('HGET', KEYS[1], 'n'))
end

local tail = 0
local newest = redis.call('LINDEX', KEYS[2], -1)
if newest then tail = tonumber(string.match(newest, '^{"seq":(%d+)')) end

local inserted = 0
for i = 9, #ARGV, 3 do
  local seq = tonumber(ARGV[i])
  if seq > tail and redis.call('HEXISTS', KEYS[3], ARGV[i + 1]) == 0 then
    redis.call('RPUSH', KEYS[2], ARGV[i + 2])
    redis.call('HSET', KEYS[3], ARGV[i + 1], ARGV[i])
    tail = seq
    inserted = inserted + 1
  end
end
count = count + inserted
if tonumber(ARGV[5]) > last then last = tonumber(ARGV[5]) end

local expires_us = ''
if ARGV[4] ~= '' then expires_us = ARGV[4] .. '000' end
redis.call('HSET', KEYS[1], 'c', ARGV[2], 'u', ARGV[3], 'e', expires_us,
  'l', string.format('%d', last), 'n', string.format('%d', count), 'a', ARGV[6],
  't', ARGV[7], 'm', ARGV[8])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[5], ARGV[1], count)

-- The session's keys expire with it; the user's index and counts outlive the latest of their
-- sessions by a day (as append.lua keeps them), and never shorten for an earlier one.
for k = 1, 5 do
  if ARGV[4] == '' then
    redis.call('PERSIST', KEYS[k])
  elseif k <= 3 then
    redis.call('PEXPIREAT', KEYS[k], ARGV[4])
  else
    local wanted = tonumber(ARGV[4]) + 86400000
    local left = redis.call('PTTL', KEYS[k])
    local now_parts = redis.call('TIME')
    local now_ms = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
    if left >= 0 and now_ms + left < wanted then
      redis.call('PEXPIREAT', KEYS[k], string.format('%.0f', wanted))
    end
  end
end
return inserted
