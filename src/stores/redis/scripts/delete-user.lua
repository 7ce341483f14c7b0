-- delete-user: every session and message of one user, expired ones included, with the counts.
--   KEYS[1] user's session index   KEYS[2] user's message counts (session id -> kept messages)
--   ARGV[1] the user's key base (same hash tag, so every key below lives on this slot)
-- Returns { sessions, messages }.
local counts = redis.call('HGETALL', KEYS[2])
local sessions, messages = 0, 0
for i = 1, #counts, 2 do
  local id = counts[i]
  redis.call('DEL', ARGV[1] .. 'meta:' .. id, ARGV[1] .. 'msgs:' .. id, ARGV[1] .. 'ids:' .. id)
  sessions = sessions + 1
  messages = messages + tonumber(counts[i + 1])
end
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  redis.call('DEL', ARGV[1] .. 'meta:' .. id, ARGV[1] .. 'msgs:' .. id, ARGV[1] .. 'ids:' .. id)
end
redis.call('DEL', KEYS[1], KEYS[2])
return { sessions, messages }
