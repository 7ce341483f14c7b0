-- The window index (layout.ts WINDOW_INDEX_WORDS; included by prelude.lua), so history.lua cuts a
-- window from a few lookups instead of reading every message it passes (why: see
-- indexed-window.lua). Every write keeps it exact, through the functions below:
--   K.tokens  seq by the running sum of token counts up to it (only differences are read, so the
--             oldest or newest message goes without touching the others)
--   K.users   the seqs of user messages
--   K.odd     '<seq>:<status>:<lease until>:<tokens>:<c|-><r|->' of each message whose status is
--             not 'complete' (c: it opens calls, r: it answers some)
--   K.pairs / K.paired  '<result seq>:<call id>' of each result whose call is linked (K.calls) at
--             or before it, by the call's seq / by the result's: a cut at s splits a pair when
--             fewer pairs end before s than begin before it, two ZCOUNTs.
--   K.orphans the seqs of messages answering a call id that is not paired (its call is gone or
--             comes later): aligned windows leave them out.
local function mark_odd(seq, status, lease_until, tokens, calls, results)
  if status == 'complete' then return end
  redis.call('ZADD', K.odd, seq, seq .. ':' .. status .. ':' .. fmt(lease_until) .. ':' ..
    fmt(tokens) .. ':' .. (calls and 'c' or '-') .. (results and 'r' or '-'))
end

local function index_marks(seq, h, calls)
  if h[H.role] == 'user' then redis.call('ZADD', K.users, seq, seq) end
  mark_odd(seq, h[H.status], h[H.leaseUntil], h[H.tokenCount], calls, #h[H.toolResultIds] > 0)
end

-- Adds delta to the running sums of every message after seq, or takes it from every message
-- before it, whichever side holds fewer: either keeps each difference across seq right. True
-- when it shifted the later side.
local function shift_sums(seq, sum, delta)
  local n = tonumber(seq)
  local before = redis.call('ZCOUNT', K.log, '-inf', '(' .. seq)
  local after = redis.call('ZCOUNT', K.log, '(' .. seq, '+inf')
  local later = after <= before
  if delta == 0 then return later end
  -- Sums only grow with seq, so the later seqs sum to at least this one's, the earlier to at most.
  local entries
  if later then
    entries = redis.call('ZRANGE', K.tokens, sum, '+inf', 'BYSCORE')
  else
    entries = redis.call('ZRANGE', K.tokens, '-inf', sum, 'BYSCORE')
  end
  for _, entry in ipairs(entries) do
    local other = tonumber(entry)
    if later and other > n then
      redis.call('ZINCRBY', K.tokens, fmt(delta), entry)
    elseif not later and other < n then
      redis.call('ZINCRBY', K.tokens, fmt(-delta), entry)
    end
  end
  return later
end

-- Indexes a message newer than every other one (seq a string, h its scanned head, calls: it
-- opens some). Its calls and results are paired by link_calls and index_results.
local function index_newest(seq, h, calls)
  local top = redis.call('ZRANGE', K.tokens, -1, -1, 'WITHSCORES')[2]
  redis.call('ZADD', K.tokens, fmt((tonumber(top) or 0) + h[H.tokenCount]), seq)
  index_marks(seq, h, calls)
end

-- A message leaves the index (h its decoded head). at_edge: it is the oldest or the newest kept
-- (a trim, a pop), whose running sum no other difference depends on, so nothing shifts: a trim
-- of one message costs two calls here instead of seven.
local function unindex_message(seq, h, at_edge)
  if h[H.role] == 'user' then redis.call('ZREM', K.users, seq) end
  if h[H.status] ~= 'complete' then redis.call('ZREMRANGEBYSCORE', K.odd, seq, seq) end
  if at_edge then
    redis.call('ZREM', K.tokens, seq)
    return
  end
  local sum = redis.call('ZSCORE', K.tokens, seq)
  if not sum then return end
  redis.call('ZREM', K.tokens, seq)
  shift_sums(seq, sum, -h[H.tokenCount])
end

-- A message's head changed (same seq; old scanned, h decoded): its token count, status, lease or
-- links.
local function reindex_message(seq, old, h)
  local delta = h[H.tokenCount] - old[H.tokenCount]
  if delta ~= 0 then
    local sum = redis.call('ZSCORE', K.tokens, seq)
    if shift_sums(seq, sum, delta) then redis.call('ZINCRBY', K.tokens, fmt(delta), seq) end
  end
  if old[H.status] ~= 'complete' or h[H.status] ~= 'complete' then
    redis.call('ZREMRANGEBYSCORE', K.odd, seq, seq)
    mark_odd(seq, h[H.status], h[H.leaseUntil], h[H.tokenCount], #h[H.toolCallIds] > 0,
      #h[H.toolResultIds] > 0)
  end
end

-- A message answering calls is an orphan while one of its call ids is not paired.
local function recheck_orphan(seq)
  if redis.call('ZCOUNT', K.results, seq, seq) > redis.call('ZCOUNT', K.paired, seq, seq) then
    redis.call('ZADD', K.orphans, seq, seq)
  else
    redis.call('ZREM', K.orphans, seq)
  end
end

local function add_pair(call_seq, result_seq, member)
  redis.call('ZADD', K.pairs, call_seq, member)
  redis.call('ZADD', K.paired, result_seq, member)
end

-- A result (seq, call id) was indexed: paired when its call is linked at or before it (true).
local function pair_result(seq, id)
  local call_seq = redis.call('HGET', K.calls, id)
  if not call_seq or tonumber(call_seq) > tonumber(seq) then return false end
  add_pair(call_seq, seq, seq .. ':' .. id)
  return true
end

-- The message at seq answers no call any more.
local function unpair_results(seq)
  for _, member in ipairs(redis.call('ZRANGE', K.paired, seq, seq, 'BYSCORE')) do
    redis.call('ZREM', K.pairs, member)
  end
  redis.call('ZREMRANGEBYSCORE', K.paired, seq, seq)
  redis.call('ZREM', K.orphans, seq)
end

-- A call id was linked to seq: the results answering it from seq on are paired.
local function pair_call(seq, id)
  local suffix = ':' .. id
  for _, member in ipairs(redis.call('ZRANGE', K.results, seq, '+inf', 'BYSCORE')) do
    if string.sub(member, -#suffix) == suffix and string.match(member, '^%d+:(.*)$') == id then
      local result_seq = string.match(member, '^(%d+):')
      add_pair(seq, result_seq, member)
      recheck_orphan(result_seq)
    end
  end
end

-- A call id's link to seq went: its results are no longer paired.
local function unpair_call(seq, id)
  for _, member in ipairs(redis.call('ZRANGE', K.pairs, seq, seq, 'BYSCORE')) do
    if string.match(member, '^%d+:(.*)$') == id then
      redis.call('ZREM', K.pairs, member)
      redis.call('ZREM', K.paired, member)
      redis.call('ZADD', K.orphans, string.match(member, '^(%d+):'), string.match(member, '^(%d+):'))
    end
  end
end

-- Builds the index from the log, the call links and the results (a session from before it, an
-- import out of order); the keys expire with the session.
local function rebuild_index()
  redis.call('DEL', K.tokens, K.users, K.odd, K.pairs, K.paired, K.orphans)
  local sum, sums = 0, {}
  local function flush()
    if #sums > 0 then redis.call('ZADD', K.tokens, unpack(sums)) end
    sums = {}
  end
  for _, member in ipairs(redis.call('ZRANGE', K.log, 0, -1)) do
    local h = scan_head(member)
    local seq = fmt(h[H.seq])
    sum = sum + h[H.tokenCount]
    sums[#sums + 1] = fmt(sum)
    sums[#sums + 1] = seq
    if #sums >= 200 then flush() end
    local calls = h[H.status] ~= 'complete' and #h[H.toolCallIds] > 0
    index_marks(seq, h, calls)
  end
  flush()
  local answering = {}
  for _, member in ipairs(redis.call('ZRANGE', K.results, 0, -1)) do
    local seq, id = string.match(member, '^(%d+):(.*)$')
    pair_result(seq, id)
    if answering[#answering] ~= seq then answering[#answering + 1] = seq end
  end
  for _, seq in ipairs(answering) do recheck_orphan(seq) end
  redis.call('HSET', K.meta, F.windowIndex, WINDOW_INDEX_VERSION)
  local ttl = redis.call('PTTL', K.meta)
  if ttl > 0 then
    for _, key in ipairs({ K.tokens, K.users, K.odd, K.pairs, K.paired, K.orphans }) do
      redis.call('PEXPIRE', key, ttl)
    end
  end
end
