-- delete-convstore-if-unchanged: deletes one session of convstore's Redis layout (its meta hash,
-- its message keys of either layout, and its entries in the user's index and counts) only if it
-- is still the session the delete pass read and verified. Every write of the redis store (append,
-- update, truncate, pop, drafts...) moves the meta's last seq `l` or its update time `u`
-- (microseconds), so comparing the two catches anything written since; such a session is kept
-- for a later run.
--   KEYS[1] meta hash   KEYS[2] user's session index (zset)   KEYS[3] user's message counts
--   KEYS[4..] the session's other keys (redis/keys.ts: log, body, mids, calls, ops; and the
--   list layout's msgs, ids)
--   ARGV[1] session id   ARGV[2] meta `l` when read   ARGV[3] meta `u` when read ('' if none)
-- One script, so the comparison and the deletes are atomic. Every key carries the user's hash
-- tag, so it runs on Redis Cluster. Returns the number of keys deleted (0: kept).
local meta = redis.call('HMGET', KEYS[1], 'l', 'u')
if (meta[1] or '') ~= ARGV[2] or (meta[2] or '') ~= ARGV[3] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
local session = { KEYS[1] }
for i = 4, #KEYS do session[#session + 1] = KEYS[i] end
return redis.call('UNLINK', unpack(session))
