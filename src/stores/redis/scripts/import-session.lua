-- import-session: stores an exported session and a run of its messages as given (copy, import:
-- a cache warmed from PostgreSQL), atomically: the session is created when missing, its fields
-- set from the export (times kept, expiry from this store's TTL, counted from now), and each
-- message stored with its own seq, ids, times and body unless the session holds its messageId
-- or its seq already, so a re-run stores nothing twice. The members come built (import-codec.ts)
-- and are never decoded: `data` stays byte for byte. No fingerprint is kept: a later append of
-- an imported messageId is taken as a replay, as on the SQL stores.
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] ttl ms ('0': never)   ARGV[3] max history ('0': all)
--   ARGV[4] created at (us)   ARGV[5] updated at (us)   ARGV[6] agent id ('' none)
--   ARGV[7] title as JSON   ARGV[8] metadata as JSON   ARGV[9] the export's last seq
--   ARGV[10..] per message: seq, messageId, member, tool call ids (JSON), tool result ids (JSON)
-- Returns { R.ok, inserted }.
local now = now_us()
local ttl = tonumber(ARGV[2])
if redis.call('EXISTS', K.meta) == 0 then start_session(now) else upgrade() end

local inserted = 0
-- Messages newer than every stored one are indexed as they come; any other order rebuilds the
-- window index once at the end.
local rebuild = false
local last = tonumber(redis.call('HGET', K.meta, F.lastSeq) or '0')
for i = 10, #ARGV, 5 do
  local seq, id = ARGV[i], ARGV[i + 1]
  local held = redis.call('HEXISTS', K.mids, id) == 1 or
    #redis.call('ZRANGEBYSCORE', K.log, seq, seq, 'LIMIT', 0, 1) > 0
  if not held then
    redis.call('ZADD', K.log, seq, ARGV[i + 2])
    if rebuild or redis.call('ZCOUNT', K.log, '(' .. seq, '+inf') > 0 then
      rebuild = true
    else
      index_newest(seq, scan_head(ARGV[i + 2]), ARGV[i + 3] ~= '[]')
    end
    redis.call('HSET', K.mids, id, seq .. ' ')
    if ARGV[i + 3] ~= '[]' then link_calls(seq, cjson.decode(ARGV[i + 3])) end
    if ARGV[i + 4] ~= '[]' then index_results(seq, cjson.decode(ARGV[i + 4])) end
    inserted = inserted + 1
  end
  if tonumber(seq) > last then last = tonumber(seq) end
end
if tonumber(ARGV[9]) > last then last = tonumber(ARGV[9]) end
if rebuild then rebuild_index() end

redis.call('HSET', K.meta, F.createdAt, ARGV[4], F.agentId, ARGV[6], F.title, ARGV[7],
  F.metadata, ARGV[8], F.lastSeq, fmt(last))
trim(tonumber(ARGV[3]))
touch(now, ttl)
-- The export's activity time, not the import's: the user's index orders by it.
redis.call('HSET', K.meta, F.updatedAt, ARGV[5])
redis.call('ZADD', K.sessions, ARGV[5], ARGV[1])
return { R.ok, inserted }
