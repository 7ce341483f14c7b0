-- history: one page or window of a session's kept messages, oldest first, in one round trip.
-- Seqs are scores of the log, so a page is one ZRANGE ... BYSCORE [REV] LIMIT whatever the gaps.
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] kind: 'newest' | 'after' | 'before'   ARGV[2] after seq   ARGV[3] before seq
--   ('' when not given)   ARGV[4] page size ('' for none: a budget alone bounds the window)
--   ARGV[5] align: 'exact' | 'tool-pairs' | 'turn'   ARGV[6] token budget ('' none)
--   ARGV[7] pin system: '1' or ''   ARGV[8] statuses to keep, a JSON array ('' all)
-- Windows (newest only, over the messages the statuses keep; same definition as the SQL stores):
-- walking back from the newest, a cut before message m is safe when every tool result at or
-- after m whose call exists has its call at or after m, and the message just before m is not a
-- reasoning item. Results whose call does not exist (deleted, trimmed) are left out. 'tool-pairs'
-- is the newest N extended back to the nearest safe cut; 'turn' then back to the nearest user
-- message on a safe cut; a budget is the longest safe suffix whose token counts sum to at most
-- it; pin system adds the session's leading system messages (counted in the budget).
-- A draft whose lease ran out reads as 'aborted'.
-- Returns { R.ok, now ms, messages } or { R.sessionNotFound }.
if redis.call('EXISTS', K.meta) == 0 then return { R.sessionNotFound } end
upgrade()
local now_ms = math.floor(now_us() / 1000)
local kind = ARGV[1]
local limit = tonumber(ARGV[4])
local align = ARGV[5]
local budget = tonumber(ARGV[6])
local pin = ARGV[7] == '1'
local wanted = nil
if ARGV[8] ~= '' then
  wanted = {}
  for _, s in ipairs(cjson.decode(ARGV[8])) do wanted[s] = true end
end

-- Members of the log between exclusive score bounds, chunk by chunk, newest first if reverse.
local function walker(reverse, lo, hi, first_chunk)
  local buf, pos, done = {}, 1, false
  local cursor = reverse and hi or lo
  local chunk = first_chunk
  return function()
    while true do
      if pos <= #buf then
        pos = pos + 1
        return buf[pos - 1]
      end
      if done then return nil end
      if reverse then
        buf = redis.call('ZRANGE', K.log, cursor, lo, 'BYSCORE', 'REV', 'LIMIT', 0, chunk)
      else
        buf = redis.call('ZRANGE', K.log, cursor, hi, 'BYSCORE', 'LIMIT', 0, chunk)
      end
      pos = 1
      if #buf < chunk then done = true end
      if #buf > 0 then cursor = '(' .. fmt(head_seq(buf[#buf])) end
      chunk = 256
    end
  end
end

local function kept(h)
  return not wanted or wanted[effective_status(h, now_ms)] == true
end

local windowed = kind == 'newest' and (align ~= 'exact' or budget ~= nil or pin or wanted ~= nil)

if not windowed then
  local lo, hi, reverse = '-inf', '+inf', true
  if kind == 'after' then
    reverse = false
    lo = '(' .. ARGV[2]
    if ARGV[3] ~= '' then hi = '(' .. ARGV[3] end
  elseif kind == 'before' then
    hi = '(' .. ARGV[3]
  end
  local out = {}
  if not wanted then
    -- The plain read: one ZRANGE.
    if reverse then
      out = redis.call('ZRANGE', K.log, hi, lo, 'BYSCORE', 'REV', 'LIMIT', 0, limit)
    else
      out = redis.call('ZRANGE', K.log, lo, hi, 'BYSCORE', 'LIMIT', 0, limit)
    end
  else
    local next_member = walker(reverse, lo, hi, limit + 1)
    while #out < limit do
      local member = next_member()
      if not member then break end
      if kept(scan_head(member)) then out[#out + 1] = member end
    end
  end
  if reverse then
    local n = #out
    for i = 1, math.floor(n / 2) do out[i], out[n - i + 1] = out[n - i + 1], out[i] end
  end
  return { R.ok, now_ms, out }
end

-- Windows from the window index (prelude.lua: running token sums, user seqs, messages that are
-- not 'complete'), in ranks of the log (0 the oldest, n - 1 the newest). A plain read of the
-- last 50 is one ZRANGE, about 70-85 us of server time here, so a window may add only a few
-- lookups: walking the heads it passes (a pattern match each, about 3 us, plus the bodies past
-- the window) made budgets and filters 3-8x a plain read. Here a start is computed (a budget
-- from one ZCOUNT on the sums; a count from the left-out messages, usually none), moved to the
-- nearest safe cut by checking only that cut (the results after it and their calls in one
-- HMGET, the message before it, the nearest user message), and the window read in one ZRANGE
-- by rank. Nil when the index cannot decide it alone (a result whose call is gone or left out,
-- a filter without 'complete', a long run of pinned messages): the walk below then does, as
-- before.
local function indexed_window()
  if wanted and not wanted.complete then return nil end
  local n = redis.call('ZCARD', K.log)
  if redis.call('ZCARD', K.tokens) ~= n then return nil end
  local aligned = align ~= 'exact' or budget ~= nil
  local function rank_of(seq)
    return redis.call('ZCOUNT', K.log, '-inf', '(' .. fmt(seq))
  end

  -- The leading system messages (base: the rank after the last).
  local pinned, pinned_tokens, base = {}, 0, 0
  if pin then
    local lead = redis.call('ZRANGE', K.log, 0, 7)
    local ended = false
    for r, member in ipairs(lead) do
      local h = scan_head(member)
      if kept(h) then
        if h[H.role] ~= 'system' then
          ended = true
          break
        end
        pinned[#pinned + 1] = member
        pinned_tokens = pinned_tokens + h[H.tokenCount]
        base = r
      end
    end
    if not ended and #lead == 8 then return nil end
  end

  -- The messages after base the statuses leave out, newest first: by_rank[rank] = tokens,
  -- loaded a chunk at a time from K.odd as far back as asked. lowest: the oldest rank loaded;
  -- low_seq: every entry from it on was read; exhausted: all were.
  local left_out, by_rank, seq_left_out = {}, {}, {}
  local lowest, done, exhausted, cursor = math.huge, not wanted, not wanted, '+inf'
  local low_seq = math.huge
  local function load()
    local entries = redis.call('ZRANGE', K.odd, cursor, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, 16)
    if #entries < 16 then done, exhausted = true, true end
    for _, entry in ipairs(entries) do
      local seq, status, lease, tokens = string.match(entry, '^(%d+):(%a+):(%d+):(%d+)$')
      cursor = '(' .. seq
      low_seq = tonumber(seq)
      local h = { low_seq }
      h[H.status], h[H.leaseUntil] = status, tonumber(lease)
      if not kept(h) then
        seq_left_out[low_seq] = true
        local r = rank_of(seq)
        if r < base then
          done, exhausted = true, false
          return
        end
        left_out[#left_out + 1] = r
        by_rank[r] = tonumber(tokens)
        lowest = r
      end
    end
    if not done then lowest = math.min(lowest, rank_of(low_seq)) end
  end
  local function reach(r)
    while not done and lowest >= r do load() end
  end
  -- How many of the ranks from r on are left out, and their tokens.
  local function left_out_from(r)
    reach(r)
    local count, tokens = 0, 0
    for _, x in ipairs(left_out) do
      if x < r then break end
      count = count + 1
      tokens = tokens + by_rank[x]
    end
    return count, tokens
  end
  local function is_left_out(r)
    reach(r)
    return by_rank[r] ~= nil
  end
  local function seq_is_left_out(seq)
    if not wanted then return false end
    if exhausted or seq >= low_seq then return seq_left_out[seq] == true end
    local entry = redis.call('ZRANGE', K.odd, seq, seq, 'BYSCORE')[1]
    if not entry then return false end
    local status, lease = string.match(entry, '^%d+:(%a+):(%d+):')
    local h = { seq }
    h[H.status], h[H.leaseUntil] = status, tonumber(lease)
    return not kept(h)
  end

  -- The results from seq on: false when one's call is gone (or left out, or after it: the walk
  -- decides those), else the lowest call seq and the newest result answering a call before seq.
  local function results_from(seq)
    local entries = redis.call('ZRANGE', K.results, seq, '+inf', 'BYSCORE')
    if #entries == 0 then return nil, nil end
    if #entries > 500 then return false end
    local seqs, ids = {}, {}
    for i, entry in ipairs(entries) do
      local rs, id = string.match(entry, '^(%d+):(.*)$')
      seqs[i], ids[i] = tonumber(rs), id
    end
    local calls = redis.call('HMGET', K.calls, unpack(ids))
    local low, newest = math.huge, nil
    for i, rs in ipairs(seqs) do
      if not seq_is_left_out(rs) then
        local cs = tonumber(calls[i])
        if not cs or cs > rs or seq_is_left_out(cs) then return false end
        if cs < seq then
          if cs < low then low = cs end
          if not newest or rs > newest then newest = rs end
        end
      end
    end
    if newest then return low, newest end
    return nil, nil
  end

  -- The kept message just before rank r (after base), or nil.
  local function before(r)
    r = r - 1
    while r >= base and is_left_out(r) do r = r - 1 end
    if r < base then return nil end
    return scan_head(redis.call('ZRANGE', K.log, r, r)[1]), r
  end

  -- The start of the newest `count` kept messages (the largest such rank), base when fewer.
  local function newest_start(count)
    local s = n - count
    while s > base do
      local c = left_out_from(s)
      local next_s = n - count - c
      if next_s == s then break end
      s = next_s
    end
    if s < base then s = base end
    return s
  end

  -- Backwards to the nearest safe cut (a tool-pairs or turn window).
  local function settle_back(s)
    -- No safe cut: all of it, unless a result in it has lost its call.
    local function all()
      if base >= n then return base end
      local first = tonumber(head_seq(redis.call('ZRANGE', K.log, base, base)[1]))
      if results_from(first) == false then return nil end
      return base
    end
    while s > base do
      if is_left_out(s) then
        s = s - 1
      else
        local member = redis.call('ZRANGE', K.log, s, s)[1]
        local seq = tonumber(head_seq(member))
        local low = results_from(seq)
        if low == false then return nil end
        if low then
          s = rank_of(low)
        else
          local h, r = before(s)
          if h and h[H.kind] == 'reasoning' then
            s = r
          elseif align == 'turn' and scan_head(member)[H.role] ~= 'user' then
            local user = redis.call('ZRANGE', K.users, '(' .. fmt(seq), '-inf', 'BYSCORE', 'REV',
              'LIMIT', 0, 1)[1]
            if not user then return all() end
            s = rank_of(user)
          else
            return s
          end
        end
      end
    end
    return all()
  end

  -- Forwards to the nearest safe cut (a budget window: it may only shrink); n when none.
  local function settle_forward(s)
    while s < n do
      if is_left_out(s) then
        s = s + 1
      else
        local member = redis.call('ZRANGE', K.log, s, s)[1]
        local seq = tonumber(head_seq(member))
        local low, newest = results_from(seq)
        if low == false then return nil end
        if low then
          s = rank_of(newest) + 1
        else
          local h = before(s)
          if h and h[H.kind] == 'reasoning' then
            s = s + 1
          elseif align == 'turn' and scan_head(member)[H.role] ~= 'user' then
            local user = redis.call('ZRANGE', K.users, '(' .. fmt(seq), '+inf', 'BYSCORE', 'LIMIT',
              0, 1)[1]
            if not user then return n end
            s = rank_of(user)
          else
            return s
          end
        end
      end
    end
    return n
  end

  -- The earliest start whose kept messages' tokens fit: sums before a rank are the running sum
  -- of the rank before it, so one ZCOUNT finds it; left-out messages cost nothing, so the start
  -- moves back by theirs until it holds.
  local function budget_start()
    local left = budget - pinned_tokens
    if left < 0 or n == 0 then return n end
    local total = tonumber(redis.call('ZRANGE', K.tokens, -1, -1, 'WITHSCORES')[2])
    local s, skipped = n, 0
    while true do
      local floor = total - left - skipped
      local r = redis.call('ZCOUNT', K.tokens, '-inf', '(' .. fmt(floor))
      local c = r + 1
      if r == 0 then
        local first = scan_head(redis.call('ZRANGE', K.log, 0, 0)[1])
        local sum = tonumber(redis.call('ZSCORE', K.tokens, fmt(first[H.seq])))
        if sum - first[H.tokenCount] >= floor then c = 0 end
      end
      if c > s then c = s end
      if c < base then c = base end
      s = c
      local _, tokens = left_out_from(s)
      if tokens == skipped then
        if s > base and is_left_out(s - 1) then
          s = s - 1
          _, skipped = left_out_from(s)
        else
          return s
        end
      else
        skipped = tokens
      end
    end
  end

  local s
  if budget then
    s = budget_start()
    if limit then s = math.max(s, newest_start(limit)) end
    s = settle_forward(s)
  else
    s = newest_start(limit)
    if aligned then s = settle_back(s) end
  end
  if not s then return nil end

  local out = {}
  for _, member in ipairs(pinned) do out[#out + 1] = member end
  if s < n then
    local members = redis.call('ZRANGE', K.log, s, -1)
    if left_out_from(s) == 0 then
      for _, member in ipairs(members) do out[#out + 1] = member end
    else
      for i, member in ipairs(members) do
        if not by_rank[s + i - 1] then out[#out + 1] = member end
      end
    end
  end
  return out
end

do
  local out = indexed_window()
  if out then return { R.ok, now_ms, out } end
end

-- A result's call exists when a kept message at or before it opens that call id (the earliest
-- opener is the one indexed).
local call_seq_cache = {}
local function call_seq(id)
  local cached = call_seq_cache[id]
  if cached ~= nil then return cached end
  local seq = tonumber(redis.call('HGET', K.calls, id))
  if seq and wanted then
    local member = head_at(seq)
    if not member or not kept(scan_head(member)) then seq = nil end
  end
  call_seq_cache[id] = seq or false
  return seq or false
end

-- The leading system messages, oldest first.
local pinned, pinned_tokens, pinned_last = {}, 0, 0
if pin then
  local next_member = walker(false, '-inf', '+inf', 8)
  while true do
    local member = next_member()
    if not member then break end
    local h = scan_head(member)
    if kept(h) then
      if h[H.role] ~= 'system' then break end
      pinned[#pinned + 1] = member
      pinned_tokens = pinned_tokens + h[H.tokenCount]
      pinned_last = h[H.seq]
    end
  end
end

-- 'tool-pairs' and 'turn' without statuses or budget read only what they must: the results the
-- window holds (K.results) and the messages before candidate cuts, never every head. Nil hands the odd case
-- (a tool result that also opens the call it is cut at) to the walk below.
local function tool_pairs_window(turn)
  local floor = '(' .. fmt(pinned_last)
  -- Results at or after seq s: which are orphans, and the lowest call seq the others answer.
  local function results_from(s)
    local entries = redis.call('ZRANGE', K.results, s, '+inf', 'BYSCORE')
    local orphan, calls, count = {}, {}, 0
    for _, entry in ipairs(entries) do
      local seq, id = string.match(entry, '^(%d+):(.*)$')
      seq = tonumber(seq)
      local cs = call_seq(id)
      if not cs or cs > seq then
        if not orphan[seq] then count = count + 1 end
        orphan[seq] = true
      else
        calls[#calls + 1] = { seq, cs }
      end
    end
    local low = math.huge
    for _, c in ipairs(calls) do
      if not orphan[c[1]] and c[2] < low then low = c[2] end
    end
    return orphan, low, count
  end
  -- The newest `limit` messages that are not orphans: their oldest seq, or nil (fewer than that).
  local extra, start, orphan, low, newest = 0, nil, {}, math.huge, {}
  while true do
    newest = redis.call('ZRANGE', K.log, '+inf', floor, 'BYSCORE', 'REV', 'LIMIT', 0,
      limit + extra)
    if #newest < limit + extra then
      start = nil
      orphan, low = results_from(floor)
      break
    end
    start = tonumber(head_seq(newest[#newest]))
    local count
    orphan, low, count = results_from(start)
    if count == extra then break end
    extra = count
  end
  local first = start
  -- Moves start back to the nearest safe cut; false hands the odd case to the walk.
  local function settle()
    while start do
      if orphan[start] or start <= pinned_last then return false end
      if low < start then
        start = low
      else
        local before = redis.call('ZRANGE', K.log, '(' .. fmt(start), floor, 'BYSCORE', 'REV',
          'LIMIT', 0, 1)[1]
        if not before then return true end
        local h = scan_head(before)
        if h[H.kind] ~= 'reasoning' then return true end
        start = h[H.seq]
      end
      orphan, low = results_from(start)
    end
    return true
  end
  if not settle() then return nil end
  -- A turn: further back, message by message, to a safe cut at a user message.
  while turn and start do
    if scan_head(head_at(start))[H.role] == 'user' then break end
    local before = redis.call('ZRANGE', K.log, '(' .. fmt(start), floor, 'BYSCORE', 'REV',
      'LIMIT', 0, 1)[1]
    if not before then
      start = nil
    else
      start = tonumber(head_seq(before))
      orphan, low = results_from(start)
      if not settle() then return nil end
    end
  end
  if not start then orphan = results_from(floor) end
  local out = {}
  local function keep(member)
    if not orphan[tonumber(head_seq(member))] then out[#out + 1] = member end
  end
  for _, member in ipairs(pinned) do out[#out + 1] = member end
  -- What the cut added before the newest ones read above, then those (oldest first).
  if first and (not start or start < first) then
    local from = start and fmt(start) or floor
    for _, member in ipairs(redis.call('ZRANGE', K.log, from, '(' .. fmt(first), 'BYSCORE')) do
      keep(member)
    end
  end
  for i = #newest, 1, -1 do keep(newest[i]) end
  return out
end

if align ~= 'exact' and not budget and not wanted then
  local out = tool_pairs_window(align == 'turn')
  if out then return { R.ok, now_ms, out } end
end

-- An exact window (pinned, no budget) keeps results whose call is gone, as a plain read does.
local drop_orphans = align ~= 'exact' or budget ~= nil

-- W: the windowable messages, newest first (kept by the statuses, orphan results left out,
-- after the pinned ones); low[j]: the lowest call seq answered in W[1..j]; W[j].before: the
-- kind of the kept message just before W[j] (orphans included), false at the start.
local W, low = {}, {}
local next_member = walker(true, '(' .. fmt(pinned_last), '+inf', (limit or 32) + 2)
local exhausted = false
local function pull()
  local member = next_member()
  if not member then
    exhausted = true
    if #W > 0 and W[#W].before == nil then W[#W].before = false end
    return
  end
  local h = scan_head(member)
  if not kept(h) then return end
  if #W > 0 and W[#W].before == nil then W[#W].before = h[H.kind] end
  local lowest, orphan = math.huge, false
  for _, id in ipairs(h[H.toolResultIds]) do
    local seq = call_seq(id)
    if seq and seq <= h[H.seq] then
      if seq < lowest then lowest = seq end
    else
      orphan = true
    end
  end
  if orphan and drop_orphans then return end
  local n = #W + 1
  W[n] = { member = member, seq = h[H.seq], role = h[H.role], tokens = h[H.tokenCount] }
  low[n] = math.min(low[n - 1] or math.huge, lowest)
end

local function fetch(j)
  while #W < j and not exhausted do pull() end
  return W[j]
end

local function safe(j)
  if low[j] < W[j].seq then return false end
  while W[j].before == nil do pull() end
  return W[j].before ~= 'reasoning'
end

-- The smallest j' >= j whose cut is safe (and, for a turn, before a user message); all of W
-- when there is none.
local function nearest(j, user)
  while fetch(j) do
    if safe(j) and (not user or W[j].role == 'user') then return j end
    j = j + 1
  end
  return #W
end

local take
if budget then
  local left = budget - pinned_tokens
  local sum, best = 0, 0
  local j = 1
  while left >= 0 and fetch(j) do
    sum = sum + W[j].tokens
    if sum > left then break end
    if limit and j > limit then break end
    if safe(j) and (align ~= 'turn' or W[j].role == 'user') then best = j end
    j = j + 1
  end
  take = best
elseif align == 'exact' then
  fetch(limit)
  take = math.min(limit, #W)
else
  take = nearest(limit, false)
  if align == 'turn' and take > 0 then take = nearest(take, true) end
end

local out = {}
for _, member in ipairs(pinned) do out[#out + 1] = member end
for j = take, 1, -1 do out[#out + 1] = W[j].member end
return { R.ok, now_ms, out }
