-- delete-session: the session and its messages (and what an older store's list layout left).
-- 0 when nothing visible was there, else 1.
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] the user's key base
if redis.call('EXISTS', K.meta) == 0 then return 0 end
-- One DEL of every key (a DEL a key cost as much again as the rest of the script).
local doomed = {}
for i, word in ipairs(SESSION_WORDS) do doomed[i] = ARGV[2] .. word .. ':' .. ARGV[1] end
redis.call('DEL', unpack(doomed))
redis.call('ZREM', K.sessions, ARGV[1])
redis.call('HDEL', K.counts, ARGV[1])
return 1
