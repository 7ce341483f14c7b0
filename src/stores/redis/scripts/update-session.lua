-- update-session: changes only the fields flagged '1' and slides every TTL (an update is a
-- write). R.sessionNotFound when the session is not visible.
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] ttl ms ('0': never)
--   ARGV[3] set agent? ARGV[4] agent id ('' for none)   ARGV[5] set title? ARGV[6] title JSON
--   ARGV[7] set metadata? ARGV[8] metadata JSON
-- Returns { R.ok, session hash (flat) } or { R.sessionNotFound }.
if redis.call('EXISTS', K.meta) == 0 then return { R.sessionNotFound } end
if ARGV[3] == '1' then redis.call('HSET', K.meta, F.agentId, ARGV[4]) end
if ARGV[5] == '1' then redis.call('HSET', K.meta, F.title, ARGV[6]) end
if ARGV[7] == '1' then redis.call('HSET', K.meta, F.metadata, ARGV[8]) end
touch(now_us(), tonumber(ARGV[2]))
return { R.ok, redis.call('HGETALL', K.meta) }
