-- append: the whole append of the redis store, atomically and in one round trip: creates the
-- session when missing, answers a retried messageId with the stored message (refusing one whose
-- fingerprint differs, before anything is written), numbers the rest lastSeq+1.., trims past max
-- history, slides every TTL and indexes the session. A call of retries only changes nothing.
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] ttl ms ('0': never expires)   ARGV[3] max history ('0': all)
--   ARGV[4] agent id ('' keeps the session's)   ARGV[5..] the messages, MSG_ARGS values each
-- Body parts are spliced in as given, never decoded: cjson would re-encode users' JSON (empty
-- objects become arrays, big numbers lose digits). Every key shares the user's hash tag, so this
-- runs on Redis Cluster.
-- Returns { R.ok, now ms, session hash (flat), inserted, messages } or { R.idempotencyMismatch };
-- messages in input order, each the seq of a message this call stored (a number), or the member
-- of a retried one.
local now = now_us()
local now_ms = math.floor(now / 1000)
local ttl = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local fresh = session_missing()

local plan = {}
local inserted = 0
for i = 5, #ARGV, MSG_ARGS do
  local m = new_message(i)
  local seq, fp = nil, nil
  if not fresh then seq, fp = seq_of_id(m.id) end
  if seq then
    if fp ~= '' and fp ~= m.fp then return { R.idempotencyMismatch } end
    plan[#plan + 1] = { seq = seq }
  else
    plan[#plan + 1] = { m = m }
    inserted = inserted + 1
  end
end

local heads = {}
if inserted == 0 then
  for i, step in ipairs(plan) do heads[i] = head_at(step.seq) end
  return { R.ok, now_ms, redis.call('HGETALL', K.meta), 0, heads }
end

if fresh then start_session(now) end
for i, step in ipairs(plan) do
  if step.m then
    -- Its seq alone: the caller has the rest (the SQL stores answer so too), and a member
    -- carries the whole content back.
    local _, seq = insert_message(step.m, now_ms)
    heads[i] = seq
  else
    heads[i] = head_at(step.seq)
  end
end
-- Read before trimming: an append of more than max answers every message it stored.
local messages = heads
trim(max)
if ARGV[4] ~= '' then redis.call('HSET', K.meta, F.agentId, ARGV[4]) end
touch(now, ttl)
return { R.ok, now_ms, redis.call('HGETALL', K.meta), inserted, messages }
