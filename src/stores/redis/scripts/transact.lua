-- transact: an append or a suffix replacement, atomic and idempotent per operation id. The
-- operation id is kept with a hash of the body and the seqs it stored: the same id with the same
-- body answers those messages again (replayed) and changes nothing; with another body it is
-- refused, as is a suffix that is no longer the session's newest messages. Everything is checked
-- before anything is written, so a refusal changes nothing.
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] ttl ms   ARGV[3] max history   ARGV[4] agent id ('' keeps)
--   ARGV[5] operation id   ARGV[6] body hash   ARGV[7] how many expected messageIds (E)
--   ARGV[8..7+E] the expected suffix, oldest first   then the messages, MSG_ARGS values each
-- Returns { R.ok, now ms, messages, replayed 0|1 } or { R.operationConflict |
-- R.suffixMismatch | R.idempotencyMismatch }.
local now = now_us()
local now_ms = math.floor(now / 1000)
local ttl = tonumber(ARGV[2])
local fresh = session_missing()
local expected = tonumber(ARGV[7])
local first_message = 8 + expected

if not fresh then
  local op = redis.call('HGET', K.ops, ARGV[5])
  if op then
    local hash, seqs = string.match(op, '^(%S+) ?(.*)$')
    if hash ~= ARGV[6] then return { R.operationConflict } end
    local heads = {}
    for seq in string.gmatch(seqs, '%d+') do
      local member = head_at(seq)
      if member then heads[#heads + 1] = member end
    end
    return { R.ok, now_ms, heads, 1 }
  end
end

-- The expected suffix: exactly the newest E messages, in order.
local suffix = {}
if expected > 0 then
  if fresh then return { R.suffixMismatch } end
  suffix = redis.call('ZRANGE', K.log, '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, expected)
  if #suffix ~= expected then return { R.suffixMismatch } end
  for i, member in ipairs(suffix) do
    if decode_head(member)[H.messageId] ~= ARGV[8 + expected - i] then
      return { R.suffixMismatch }
    end
  end
end
local replaced = {}
for i = 1, expected do replaced[ARGV[7 + i]] = true end

local plan = {}
for i = first_message, #ARGV, MSG_ARGS do
  local m = new_message(i)
  local seq, fp = nil, nil
  if not fresh and not replaced[m.id] then seq, fp = seq_of_id(m.id) end
  if seq then
    if fp ~= '' and fp ~= m.fp then return { R.idempotencyMismatch } end
    plan[#plan + 1] = { seq = seq }
  else
    plan[#plan + 1] = { m = m }
  end
end

if fresh then start_session(now) end
-- Newest first (ZRANGE ... REV), each the newest kept when it goes.
for _, member in ipairs(suffix) do remove_message(member, true) end
local heads, seqs = {}, {}
for i, step in ipairs(plan) do
  if step.m then heads[i] = insert_message(step.m, now_ms) else heads[i] = head_at(step.seq) end
  seqs[i] = fmt(head_seq(heads[i]))
end
local messages = heads
redis.call('HSET', K.ops, ARGV[5], ARGV[6] .. ' ' .. table.concat(seqs, ','))
trim(tonumber(ARGV[3]))
if ARGV[4] ~= '' then redis.call('HSET', K.meta, F.agentId, ARGV[4]) end
touch(now, ttl)
return { R.ok, now_ms, messages, 0 }
