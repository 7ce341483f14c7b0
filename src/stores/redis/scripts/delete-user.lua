-- delete-user: every session and message of one user, expired ones included, with the counts.
--   KEYS[1] user's session index   KEYS[2] user's message counts (session id -> kept messages)
--   ARGV[1] the user's key base (same hash tag, so every key below lives on this slot)
-- Returns { sessions, messages }.
local function erase(id)
  for _, word in ipairs(SESSION_WORDS) do redis.call('DEL', ARGV[1] .. word .. ':' .. id) end
end
local counts = redis.call('HGETALL', KEYS[2])
local sessions, messages = 0, 0
for i = 1, #counts, 2 do
  erase(counts[i])
  sessions = sessions + 1
  messages = messages + tonumber(counts[i + 1])
end
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do erase(id) end
redis.call('DEL', KEYS[1], KEYS[2])
return { sessions, messages }
