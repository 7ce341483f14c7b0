-- create-session: a new empty session, or R.sessionExists when the user already has a live one
-- (an expired session's keys are gone, so its id is free again).
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] ttl ms ('0': never)   ARGV[3] agent id ('' none)
--   ARGV[4] title as JSON (a string or null)   ARGV[5] metadata as JSON
-- Returns { R.ok, session hash (flat) } or { R.sessionExists }.
if redis.call('EXISTS', K.meta) == 1 then return { R.sessionExists } end
local now = now_us()
start_session(now)
redis.call('HSET', K.meta, F.agentId, ARGV[3], F.title, ARGV[4], F.metadata, ARGV[5])
touch(now, tonumber(ARGV[2]))
return { R.ok, redis.call('HGETALL', K.meta) }
