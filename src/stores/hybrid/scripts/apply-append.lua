-- apply-append (write-through): after PostgreSQL committed an append, extends the cached window
-- when it continues exactly where the cache ends; anything else (a gap: appends applied out of
-- order) drops the cached session, so a reader never sees a stale or reordered window. A
-- session that is not cached stays so, and an in-flight refill of it is voided.
-- It also clears the writer's write mark (mark-write.lua).
--   KEYS[1] session hash   KEYS[2] cached window   KEYS[3] messageId -> seq   KEYS[4] refill lease
--   KEYS[5] the session's write marks
--   ARGV[1] cache ttl ms   ARGV[2] window size   ARGV[3] messages this append inserted
--   ARGV[4] the writer's mark token ('' none)   ARGV[5..12] the session after the commit:
--   c u e l n a t m   ARGV[13..] the inserted messages, in seq order, as stored items
-- Returns 1 applied, 0 not cached, 3 dropped (the codes: script-results.ts).
-- Arguments built and reply read by apply-append.ts.
if ARGV[4] ~= '' then redis.call('ZREM', KEYS[5], ARGV[4]) end
local cached = redis.call('HGET', KEYS[1], F.lastSeq)
if not cached then
  redis.call('DEL', KEYS[4])
  return 0
end
cached = tonumber(cached)
local last = tonumber(ARGV[8])
if cached == last - tonumber(ARGV[3]) then
  for i = 13, #ARGV do
    redis.call('RPUSH', KEYS[2], ARGV[i])
    local seq, id = string.match(ARGV[i], '^{"seq":(%d+),"messageId":"([^"]*)"')
    redis.call('HSET', KEYS[3], id, seq)
  end
  local window = tonumber(ARGV[2])
  local over = redis.call('LLEN', KEYS[2]) - window
  if over > 0 then
    for _, item in ipairs(redis.call('LPOP', KEYS[2], over)) do
      redis.call('HDEL', KEYS[3], string.match(item, '^{"seq":%d+,"messageId":"([^"]*)"'))
    end
  end
  redis.call('HSET', KEYS[1], F.createdAt, ARGV[5], F.updatedAt, ARGV[6], F.expiresAt, ARGV[7],
    F.lastSeq, ARGV[8], F.messageCount, ARGV[9], F.agentId, ARGV[10], F.title, ARGV[11],
    F.metadata, ARGV[12])
  for k = 1, 4 do
    if k ~= 4 then redis.call('PEXPIRE', KEYS[k], ARGV[1]) end
  end
  return 1
end
if cached > last then return 1 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[4], KEYS[3])
return 3
