-- pop-message: deletes and returns the newest message, atomically (a script runs alone, so two
-- pops never return the same message). Its seq is not reused.
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] ttl ms
-- Returns { R.ok, now ms, message or false (none) } or { R.sessionNotFound }.
if session_missing() then return { R.sessionNotFound } end
local now = now_us()
local now_ms = math.floor(now / 1000)
local member = redis.call('ZRANGE', K.log, '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, 1)[1]
if not member then return { R.ok, now_ms, false } end
local message = member
remove_message(member, true)
touch(now, tonumber(ARGV[2]))
return { R.ok, now_ms, message }
