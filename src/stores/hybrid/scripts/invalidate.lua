-- invalidate: after PostgreSQL changed a session (update, delete), drops it from the cache and
-- voids any in-flight refill. A session with entries still waiting for the flusher
-- (write-behind) is never dropped, since the cache is where those live until flushed: its
-- fields are updated in place instead, when given.
-- It also clears the writer's write mark (write-through, mark-write.lua).
--   KEYS[1] session hash   KEYS[2] cached window   KEYS[3] messageId -> seq   KEYS[4] refill lease
--   KEYS[5] the session's write marks
--   ARGV[1..5] the session's fields after the change: u e a t m ('' as ARGV[1]: not given)
--   ARGV[6] the writer's mark token ('' none)
-- Returns 3 dropped, 4 updated in place, 5 kept as it was (the codes: script-results.ts).
-- Arguments built and reply read by invalidate.ts.
if ARGV[6] ~= '' then redis.call('ZREM', KEYS[5], ARGV[6]) end
redis.call('DEL', KEYS[4])
local pending = tonumber(redis.call('HGET', KEYS[1], F.pending) or '0')
if pending <= 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  return 3
end
if ARGV[1] == '' then return 5 end
redis.call('HSET', KEYS[1], F.updatedAt, ARGV[1], F.expiresAt, ARGV[2], F.agentId, ARGV[3],
  F.title, ARGV[4], F.metadata, ARGV[5])
return 4
