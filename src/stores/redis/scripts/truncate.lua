-- truncate: deletes every message after a seq, or after (inclusive: from) a messageId, for edit
-- and regenerate. Seqs are not reused: the next message still gets lastSeq + 1.
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] ttl ms   ARGV[3] 'seq' | 'id'   ARGV[4] the seq or messageId
--   ARGV[5] '1': inclusive (with 'id')
-- Returns { R.ok, deleted } or { R.sessionNotFound | R.messageNotFound }.
if session_missing() then return { R.sessionNotFound } end
local from
if ARGV[3] == 'seq' then
  from = '(' .. ARGV[4]
else
  local seq = seq_of_id(ARGV[4])
  if not seq then return { R.messageNotFound } end
  if ARGV[5] == '1' then from = fmt(seq) else from = '(' .. fmt(seq) end
end
local gone = redis.call('ZRANGE', K.log, from, '+inf', 'BYSCORE')
-- Newest first, so each is the newest kept when it goes.
for i = #gone, 1, -1 do remove_message(gone[i], true) end
if #gone > 0 then touch(now_us(), tonumber(ARGV[2])) end
return { R.ok, #gone }
