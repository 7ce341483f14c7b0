-- fill: puts a session read from PostgreSQL into the cache, only if this caller still holds the
-- refill lease. Any write in between deleted the lease, so a refill can never write back a
-- window older than what PostgreSQL now holds.
-- Nor while a write mark stands (a write in flight, or abandoned: see mark-write.lua): what this
-- caller read may predate its commit.
--   KEYS[1] session hash   KEYS[2] cached window   KEYS[3] messageId -> seq   KEYS[4] refill lease
--   KEYS[5] the session's write marks   KEYS[6] the user's write marks
--   ARGV[1] lease token   ARGV[2] cache ttl ms
--   ARGV[3..10] session fields c u e l n a t m (see redis/session-codec.ts)
--   ARGV[11..] the newest messages, oldest first, as stored items
-- Returns 1 when filled, 6 when the lease was lost or the session is cached already (the codes:
-- script-results.ts). Arguments built and reply read by fill.ts.
if redis.call('GET', KEYS[4]) ~= ARGV[1] then return 6 end
if redis.call('EXISTS', KEYS[5]) == 1 or redis.call('EXISTS', KEYS[6]) == 1 then
  redis.call('DEL', KEYS[4])
  return 6
end
-- Cached (and live) since the lease was taken: a write-behind append started the session from
-- the row this caller read, and its window may hold messages PostgreSQL has not got yet, so it
-- must not be overwritten. Only a missing or expired session is filled.
local cached_last = redis.call('HGET', KEYS[1], F.lastSeq)
if cached_last then
  local expires = redis.call('HGET', KEYS[1], F.expiresAt)
  local now_parts = redis.call('TIME')
  local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
  if not expires or expires == '' or tonumber(expires) > now then
    redis.call('DEL', KEYS[4])
    return 6
  end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[4], KEYS[3])
redis.call('HSET', KEYS[1], F.createdAt, ARGV[3], F.updatedAt, ARGV[4], F.expiresAt, ARGV[5],
  F.lastSeq, ARGV[6], F.messageCount, ARGV[7], F.agentId, ARGV[8], F.title, ARGV[9], F.metadata,
  ARGV[10])
for i = 11, #ARGV do
  redis.call('RPUSH', KEYS[2], ARGV[i])
  local seq, id = string.match(ARGV[i], '^{"seq":(%d+),"messageId":"([^"]*)"')
  redis.call('HSET', KEYS[3], id, seq)
end
for k = 1, 4 do
  if k ~= 4 then redis.call('PEXPIRE', KEYS[k], ARGV[2]) end
end
return 1
