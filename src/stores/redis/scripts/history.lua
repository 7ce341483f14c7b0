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
-- @flags allow-oom (as a function: a read still answers while Redis is out of memory; its only
-- writes are the one-time upgrade and index of a session an older version wrote)
if session_missing() then return { R.sessionNotFound } end
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

-- @include indexed-window

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
