-- delete-session: the session and its messages (and what an older store's list layout left).
-- 0 when nothing visible was there, else 1.
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] the user's key base
if redis.call('EXISTS', K.meta) == 0 then return 0 end
for _, word in ipairs(SESSION_WORDS) do redis.call('DEL', ARGV[2] .. word .. ':' .. ARGV[1]) end
redis.call('ZREM', K.sessions, ARGV[1])
redis.call('HDEL', K.counts, ARGV[1])
return 1
