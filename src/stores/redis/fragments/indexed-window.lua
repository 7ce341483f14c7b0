-- indexed_window (included by history.lua): a window cut from the window index
-- (window-index.lua: running token sums, user seqs, the messages that are not 'complete', calls
-- and results by both ends, orphans), in ranks of the log (0 the oldest, n - 1 the newest).
-- Why (docs/BENCHMARKS.md, "Redis windows (issue 11)"): a plain read of the last 50 is three
-- calls and one ZRANGE, 140-160 us of server time here; each further call from Lua costs
-- 1.5-2 us and each element it returns about 0.5 us. Walking the heads a window passes (a
-- pattern match each, about 3 us, and the bodies read past the window) made budgets, filters
-- and pinned windows 3-6x a plain read on the server. Here the start is computed (a budget from
-- one ZCOUNT on the running sums; a count from the newest left-out messages, read a few at a
-- time), moved to the nearest safe cut by looking only at each candidate (the two messages
-- around it; two ZCOUNTs on the pairs, and only when they differ the split pairs, found among
-- the first results after it; the nearest user message), and the window read in one ZRANGE by
-- rank: measured 1.15-1.5x a plain read of the same length on the server and 1.0-1.3x end to end
-- (all four options together 1.7-2.0x and 1.3x), against 1.5-6x and 1.2-2.9x for the walk.
-- Returns nil when the index cannot decide alone (a result whose call the status filter leaves
-- out; a filter without 'complete'; more than thirteen leading system messages; a log an older
-- version wrote to): the walk then does.
local KIND_PATTERN = '^%[%d+,"%d+",%d+,%d+,%d+,"%a+",%d+,"[^"]*",%d+,"[^"]*","%a+","([%a-]+)"'

local function indexed_window()
  if wanted and not wanted.complete then return nil end
  local n = redis.call('ZCARD', K.log)
  -- Written by an older version since the index was built: only the walk is right.
  if redis.call('ZCARD', K.tokens) ~= n then return nil end
  local aligned = align ~= 'exact' or budget ~= nil
  local function rank_of(seq)
    return redis.call('ZCOUNT', K.log, '-inf', '(' .. fmt(seq))
  end

  -- The leading system messages (base: the rank after the last one).
  local pinned, pinned_tokens, base = {}, 0, 0
  if pin then
    -- Usually one or two: read 2, then 4, then 8.
    local ended, from, size = false, 0, 2
    while not ended and from < 14 do
      local lead = redis.call('ZRANGE', K.log, from, from + size - 1)
      for i, member in ipairs(lead) do
        local h = scan_head(member)
        if kept(h) then
          if h[H.role] ~= 'system' then
            ended = true
            break
          end
          pinned[#pinned + 1] = member
          pinned_tokens = pinned_tokens + h[H.tokenCount]
          base = from + i
        end
      end
      if #lead < size then ended = true end
      from, size = from + size, size * 2
    end
    if not ended then return nil end
  end

  -- The messages after base a window leaves out, newest first (left_out: their ranks): those the
  -- statuses do not keep (status_out) and, aligned, the orphans (orphan_seq); by_rank[rank] their
  -- tokens, linked[rank] whether one left out by status opens or answers calls. Read from K.odd
  -- and K.orphans newest first, a few entries a call, and ranked (one ZCOUNT each) only as far
  -- back as asked. lowest: the oldest rank read; low_seq: every K.odd entry from it on was read;
  -- exhausted: all were.
  local left_out, by_rank, linked, status_out, seq_left_out, orphan_seq = {}, {}, {}, {}, {}, {}
  local lowest, exhausted, low_seq = math.huge, not wanted, math.huge
  local sources = {}
  if wanted then sources[#sources + 1] = { key = K.odd, odd = true } end
  if aligned then sources[#sources + 1] = { key = K.orphans } end
  for _, source in ipairs(sources) do source.cursor, source.buffer, source.at = '+inf', {}, 1 end
  local done = #sources == 0
  local function peek(source)
    if source.done then return nil end
    if source.at > #source.buffer then
      -- Each entry a script reads costs about half a microsecond: 4 first (a window of 50 holds
      -- a few), then 16 at a time.
      source.buffer = redis.call('ZRANGE', source.key, source.cursor, '-inf', 'BYSCORE', 'REV',
        'LIMIT', 0, source.cursor == '+inf' and 4 or 16)
      source.at = 1
      if #source.buffer == 0 then
        source.done = true
        if source.odd then exhausted = true end
        return nil
      end
    end
    local entry = source.buffer[source.at]
    return tonumber(string.match(entry, '^(%d+)')), entry
  end
  local function reach(r)
    while not done and lowest >= r do
      local pick, seq, entry = nil, -1, nil
      for _, source in ipairs(sources) do
        local s, e = peek(source)
        if s and s > seq then pick, seq, entry = source, s, e end
      end
      if not pick then
        done = true
        return
      end
      pick.at = pick.at + 1
      pick.cursor = '(' .. fmt(seq)
      local out, tokens, links = false, nil, false
      if pick.odd then
        low_seq = seq
        local _, status, lease, t, l = string.match(entry, '^(%d+):(%a+):(%d+):(%d+):(..)$')
        local h = { seq }
        h[H.status], h[H.leaseUntil] = status, tonumber(lease)
        if not kept(h) then
          seq_left_out[seq] = true
          out, tokens, links = true, tonumber(t), l ~= '--'
        end
      elseif not seq_left_out[seq] then
        orphan_seq[seq] = true
        out = true
      end
      if out then
        local rank = rank_of(seq)
        if rank < base then
          done = true
          return
        end
        if not tokens then
          tokens = scan_head(redis.call('ZRANGE', K.log, rank, rank)[1])[H.tokenCount]
        end
        left_out[#left_out + 1] = rank
        by_rank[rank], linked[rank], status_out[rank] = tokens, links, pick.odd == true
        lowest = rank
      end
    end
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

  -- The kept results from some seq on with their calls' seqs, read once and extended backwards
  -- as the cut moves (from: the lowest seq read; false once one has lost its call).
  local results, results_at = {}, math.huge
  local function read_results(seq)
    if seq >= results_at then return end
    local hi = results_at == math.huge and '+inf' or '(' .. fmt(results_at)
    results_at = seq
    local entries = redis.call('ZRANGE', K.results, seq, hi, 'BYSCORE')
    if #entries == 0 then return end
    if #entries > 500 then
      results = false
      return
    end
    local ids = {}
    for i, entry in ipairs(entries) do
      local rs, id = string.match(entry, '^(%d+):(.*)$')
      entries[i], ids[i] = tonumber(rs), id
    end
    local calls = redis.call('HMGET', K.calls, unpack(ids))
    for i, rs in ipairs(entries) do
      if results and not seq_is_left_out(rs) and not orphan_seq[rs] then
        local cs = tonumber(calls[i])
        if not cs or cs > rs or seq_is_left_out(cs) then
          results = false
        else
          results[#results + 1] = { rs, cs }
        end
      end
    end
  end
  -- false when a result from seq on has lost its call, else the lowest call seq before seq that
  -- one answers and the newest result answering such a call (nil when none).
  local function calls_before(seq, s)
    reach(s)
    -- No message left out by status from s on opens or answers a call: the pair counts decide.
    local counted = true
    for _, x in ipairs(left_out) do
      if x < s then break end
      if linked[x] then counted = false end
    end
    if counted then
      local split = redis.call('ZCOUNT', K.pairs, '-inf', '(' .. fmt(seq)) -
        redis.call('ZCOUNT', K.paired, '-inf', '(' .. fmt(seq))
      if split == 0 then return nil, nil end
      -- The split pairs are nearly always the first results after the cut: read those, 8 at a
      -- time with their calls' seqs (ZMSCORE), until all `split` are found. An orphan's pairs
      -- are found but do not count (it is left out).
      local found, low, newest, offset = 0, nil, nil, 0
      while found < split do
        local entries = redis.call('ZRANGE', K.paired, seq, '+inf', 'BYSCORE', 'LIMIT', offset,
          offset == 0 and math.max(split, 2) or 8)
        if #entries == 0 then break end
        local calls = redis.call('ZMSCORE', K.pairs, unpack(entries))
        for i, entry in ipairs(entries) do
          local cs = tonumber(calls[i])
          if cs and cs < seq then
            found = found + 1
            local rs = tonumber(string.match(entry, '^(%d+):'))
            if not orphan_seq[rs] then
              if not low or cs < low then low = cs end
              if not newest or rs > newest then newest = rs end
            end
          end
        end
        offset = offset + #entries
      end
      if found == split then return low, newest end
    end
    read_results(seq)
    if not results then return false end
    local low, newest = nil, nil
    for _, r in ipairs(results) do
      if r[1] >= seq and r[2] < seq then
        if not low or r[2] < low then low = r[2] end
        if not newest or r[1] > newest then newest = r[1] end
      end
    end
    return low, newest
  end

  -- The message at rank r and the kind of the kept one before it (nil at base), with its rank.
  local function at(r)
    if r <= base then return redis.call('ZRANGE', K.log, r, r)[1], nil, nil end
    local pair = redis.call('ZRANGE', K.log, r - 1, r)
    local p = r - 1
    reach(p)
    if not status_out[p] then return pair[2], string.match(pair[1], KIND_PATTERN), p end
    repeat
      p = p - 1
      reach(p)
    until p < base or not status_out[p]
    if p < base then return pair[2], nil, nil end
    return pair[2], string.match(redis.call('ZRANGE', K.log, p, p)[1], KIND_PATTERN), p
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

  -- Backwards to the nearest safe cut (a tool-pairs or turn window); base when none, unless a
  -- result in all of it has lost its call.
  local function settle_back(s)
    while s > base do
      if is_left_out(s) then
        s = s - 1
      else
        local member, before, p = at(s)
        local seq = tonumber(head_seq(member))
        local user = align == 'turn' and
          tonumber(redis.call('ZRANGE', K.users, seq, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, 1)[1])
        if user == nil then
          s = base
        elseif user and user ~= seq then
          s = rank_of(user)
        else
          local low = calls_before(seq, s)
          if low == false then return nil end
          if low then
            s = rank_of(low)
          elseif before == 'reasoning' then
            s = p
          else
            return s
          end
        end
      end
    end
    if base >= n then return base end
    local first = tonumber(head_seq(redis.call('ZRANGE', K.log, base, base)[1]))
    if calls_before(first, base) == false then return nil end
    return base
  end

  -- Forwards to the nearest safe cut (a budget window may only shrink); n when none.
  local function settle_forward(s)
    while s < n do
      if is_left_out(s) then
        s = s + 1
      else
        local member, before = at(s)
        local seq = tonumber(head_seq(member))
        local user = align == 'turn' and
          tonumber(redis.call('ZRANGE', K.users, seq, '+inf', 'BYSCORE', 'LIMIT', 0, 1)[1])
        if user == nil then return n end
        if user and user ~= seq then
          s = rank_of(user)
        else
          local low, newest = calls_before(seq, s)
          if low == false then return nil end
          if low then
            s = rank_of(newest) + 1
          elseif before == 'reasoning' then
            s = s + 1
          else
            return s
          end
        end
      end
    end
    return n
  end

  -- The earliest start whose kept messages' tokens fit: a suffix's tokens are the newest
  -- running sum less the one before it, so one ZCOUNT finds it; left-out messages cost nothing,
  -- so the start moves back by their tokens until it holds.
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

  -- The window in one read; left-out messages and pinned ones spliced in C (table.remove and
  -- table.insert), not copied message by message.
  local out = {}
  if s < n then
    out = redis.call('ZRANGE', K.log, s, -1)
    if left_out_from(s) > 0 then
      for _, r in ipairs(left_out) do
        if r < s then break end
        table.remove(out, r - s + 1)
      end
    end
  end
  for i = #pinned, 1, -1 do table.insert(out, 1, pinned[i]) end
  return out
end
