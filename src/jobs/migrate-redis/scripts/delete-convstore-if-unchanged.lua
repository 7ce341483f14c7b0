-- delete-convstore-if-unchanged: deletes one session of convstore's Redis layout (meta hash,
-- message list, id hash, and its entries in the user's index and counts) only if it is still the
-- session the delete pass read and verified. Every write of the redis store (append, update)
-- moves the meta's last seq `l` or its update time `u` (microseconds), so comparing the two
-- catches anything written since; such a session is kept for a later run.
--   KEYS[1] meta hash   KEYS[2] message list   KEYS[3] messageId -> seq hash
--   KEYS[4] user's session index (zset)   KEYS[5] user's message counts (hash)
--   ARGV[1] session id   ARGV[2] meta `l` when read   ARGV[3] meta `u` when read ('' if none)
-- One script, so the comparison and the deletes are atomic. Every key carries the user's hash
-- tag, so it runs on Redis Cluster. Returns the number of keys deleted (0: kept).
local meta = redis.call('HMGET', KEYS[1], 'l', 'u')
if (meta[1] or '') ~= ARGV[2] or (meta[2] or '') ~= ARGV[3] then return 0 end
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
return redis.call('UNLINK', KEYS[1], KEYS[2], KEYS[3])
