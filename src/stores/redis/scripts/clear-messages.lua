-- clear-messages: deletes every message of the session and keeps the session (its lastSeq too,
-- so seqs are not reused).
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] ttl ms
-- Returns { R.ok, deleted } or { R.sessionNotFound }.
if session_missing() then return { R.sessionNotFound } end
local deleted = redis.call('ZCARD', K.log)
redis.call('DEL', K.log, K.mids, K.calls, K.results, K.tokens, K.users, K.odd,
  K.pairs, K.paired, K.orphans)
touch(now_us(), tonumber(ARGV[2]))
return { R.ok, deleted }
