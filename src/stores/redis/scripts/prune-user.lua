-- prune-user: cleanup for one user. Expired sessions are already gone (Redis dropped their keys
-- at their TTL); this removes what still names them, their index and count entries, and counts
-- what was reclaimed.
--   KEYS[1] user's session index   KEYS[2] user's message counts
--   ARGV[1] the user's key base
-- Returns { sessions, messages }.
local counts = redis.call('HGETALL', KEYS[2])
local sessions, messages = 0, 0
for i = 1, #counts, 2 do
  local id = counts[i]
  if redis.call('EXISTS', ARGV[1] .. SESSION_WORDS[1] .. ':' .. id) == 0 then
    redis.call('HDEL', KEYS[2], id)
    redis.call('ZREM', KEYS[1], id)
    sessions = sessions + 1
    messages = messages + tonumber(counts[i + 1])
  end
end
return { sessions, messages }
