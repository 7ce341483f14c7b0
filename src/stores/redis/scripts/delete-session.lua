-- delete-session: the session and its messages. 0 when nothing visible was there, else 1.
--   KEYS[1] session hash   KEYS[2] message list   KEYS[3] messageId -> seq hash
--   KEYS[4] user's session index   KEYS[5] user's message counts
--   ARGV[1] session id
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
return 1
