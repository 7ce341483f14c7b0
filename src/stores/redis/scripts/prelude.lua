-- prelude: helpers shared by the session scripts of the redis store; scripts.ts prepends it to
-- each of them, after the tables generated from the TS side (F session fields, BODY_LETTERS the
-- body parts' member names, H head positions, HEAD_KIND head encodings, K the session keys by
-- name, SESSION_WORDS their key words, R result codes, MSG_ARGS and CHANGE_ARGS values per new
-- message and per change). Not a script of its own.
-- Layout of a session (see layout.ts): K.meta the session hash; K.log the messages, scored by
-- seq (gaps allowed: seqs are never reused), each a member `[<head>,{<body>}]` whose head holds
-- the scripts' own values and the body's byte offset, and whose body (JSON members of the
-- message's non-default parts) is never decoded: spliced by the byte lengths the head keeps, so
-- `data` stays byte for byte what the caller gave; K.mids messageId -> '<seq> <fingerprint>'
-- (idempotency); K.calls tool call id -> seq of the first message opening it; K.ops operation
-- id -> '<body hash> <seq,seq,...>' (transactions); K.results '<seq>:<call id>' by seq for every
-- call a message answers; K.sessions and K.counts the user's index and counts; the window index
-- (fragments/window-index.lua, included below) kept by insert_message, remove_message,
-- replace_member and the call and result links.

local function now_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

local function fmt(n)
  return string.format('%.0f', n)
end

-- Heads hold only the scripts' own values, so cjson may decode them; they are encoded here
-- (numbers with %.0f: cjson would round them to 14 digits).
local function encode_list(kind, list)
  local out = {}
  for i, v in ipairs(list) do
    if kind == 'nl' then out[i] = fmt(v) else out[i] = cjson.encode(v) end
  end
  return '[' .. table.concat(out, ',') .. ']'
end

-- A member from a head (a decoded table) and a body's members: the head from createdAt on is
-- encoded here, and the body's offset computed (see layout.ts).
local function encode_member(h, body)
  local out = {}
  for i = H.createdAt, #HEAD_KIND do
    local kind, v = HEAD_KIND[i], h[i]
    if kind == 'n' then
      out[#out + 1] = fmt(v)
    elseif kind == 's' then
      out[#out + 1] = cjson.encode(v)
    else
      out[#out + 1] = encode_list(kind, v)
    end
  end
  local seq = fmt(h[H.seq])
  local tail = table.concat(out, ',')
  local at = #seq + #tail + 15
  return '[' .. seq .. ',"' .. string.format('%08d', at) .. '",' .. tail .. ',{' .. body .. '}]'
end

local function body_at(member)
  return tonumber(string.match(member, '^%[%d+,"(%d+)"'))
end

-- The head of a member as a table (H positions); the body is not decoded.
local function decode_head(member)
  return cjson.decode(string.sub(member, 1, body_at(member) - 2) .. ']')
end

-- The body's members as stored (between the braces).
local function body_of(member)
  return string.sub(member, body_at(member) + 1, -3)
end

-- The head values a window or a removal needs (seq, status, lease expiry, messageId, role,
-- kind, token count, the call ids opened and answered), at the H positions, read with one
-- pattern: every value before the id lists is a number or a name without quotes (ids match
-- ID_PATTERN), so only a message with call ids costs a decode, of its lists alone (a cjson
-- decode of a whole head was 3-5 us, a tenth of an append that trims).
local SCAN_PATTERN = '^%[(%d+),"%d+",%d+,%d+,%d+,"(%a+)",(%d+),"[^"]*",%d+,"([^"]*)","(%a+)",' ..
  '"([%a-]+)",(%d+),()'
local NO_IDS = {}
local function scan_head(member)
  local seq, status, lease_until, id, role, kind, tokens, lists = string.match(member, SCAN_PATTERN)
  local h = { tonumber(seq) }
  h[H.status] = status
  h[H.leaseUntil] = tonumber(lease_until)
  h[H.messageId] = id
  h[H.role] = role
  h[H.kind] = kind
  h[H.tokenCount] = tonumber(tokens)
  if string.sub(member, lists, lists + 5) == '[],[],' then
    h[H.toolCallIds], h[H.toolResultIds] = NO_IDS, NO_IDS
  else
    local ids = cjson.decode('[' .. string.sub(member, lists, body_at(member) - 2) .. ']')
    h[H.toolCallIds], h[H.toolResultIds] = ids[1], ids[2]
  end
  return h
end

local function head_seq(member)
  return string.match(member, '^%[(%d+),')
end

-- A draft whose lease ran out reads as aborted (now in ms).
local function effective_status(h, now_ms)
  if h[H.status] == 'streaming' and h[H.leaseUntil] > 0 and h[H.leaseUntil] <= now_ms then
    return 'aborted'
  end
  return h[H.status]
end

local function head_at(seq)
  return redis.call('ZRANGE', K.log, seq, seq, 'BYSCORE')[1]
end

-- @include window-index

local function seq_of_id(id)
  local stored = redis.call('HGET', K.mids, id)
  if not stored then return nil, nil end
  local seq, fp = string.match(stored, '^(%d+) (.*)$')
  return tonumber(seq), fp
end

-- A new message from ARGV[i..i+MSG_ARGS-1], in layout.ts's MESSAGE_ARG_ORDER.
local function new_message(i)
  return { id = ARGV[i], fp = ARGV[i + 1], status = ARGV[i + 2], calls = ARGV[i + 3],
    results = ARGV[i + 4], tail = ARGV[i + 5], body = ARGV[i + 6] }
end

-- newest: no message after seq answers these yet (its own results are paired as they are
-- indexed), so there is nothing to pair.
local function link_calls(seq, calls, newest)
  for _, id in ipairs(calls) do
    if redis.call('HSETNX', K.calls, id, seq) == 1 and not newest then pair_call(seq, id) end
  end
end

-- K.results: one entry '<seq>:<call id>' scored by seq per call a message answers, so a window
-- finds the results it holds without reading every message.
local function index_results(seq, results)
  local orphan = false
  for _, id in ipairs(results) do
    redis.call('ZADD', K.results, seq, seq .. ':' .. id)
    if not pair_result(seq, id) then orphan = true end
  end
  -- Not an orphan before: a new message, or one unindexed first (apply_changes).
  if orphan then redis.call('ZADD', K.orphans, seq, seq) end
end

local function unindex_results(seq)
  redis.call('ZREMRANGEBYSCORE', K.results, seq, seq)
  unpair_results(seq)
end

local function unlink_calls(seq, calls)
  for _, id in ipairs(calls) do
    if redis.call('HGET', K.calls, id) == seq then
      redis.call('HDEL', K.calls, id)
      unpair_call(seq, id)
    end
  end
end

-- Stores a new message under the next seq; returns its member and seq. A draft has a lease token,
-- its expiry and how long each checkpoint extends it.
local function insert_message(m, now_ms, lease, lease_until, lease_ms)
  local seq = fmt(redis.call('HINCRBY', K.meta, F.lastSeq, 1))
  local tail = fmt(now_ms) .. ',' .. fmt(now_ms) .. ',1,' .. cjson.encode(m.status) .. ',' ..
    fmt(lease_until or 0) .. ',' .. cjson.encode(lease or '') .. ',' .. fmt(lease_ms or 0) .. ',' ..
    m.tail
  local at = #seq + #tail + 15
  local member = '[' .. seq .. ',"' .. string.format('%08d', at) .. '",' .. tail .. ',{' ..
    m.body .. '}]'
  redis.call('ZADD', K.log, seq, member)
  -- The index's values from what the append sent, not a scan of the member.
  local role, tokens = string.match(m.tail, '^"[^"]*","(%a+)","[%a-]+",(%d+),')
  local h = { tonumber(seq) }
  h[H.status], h[H.leaseUntil], h[H.role] = m.status, lease_until or 0, role
  h[H.tokenCount] = tonumber(tokens)
  h[H.toolResultIds] = m.results ~= '[]' and { true } or NO_IDS
  index_newest(seq, h, m.calls ~= '[]')
  redis.call('HSET', K.mids, m.id, seq .. ' ' .. m.fp)
  if m.calls ~= '[]' then link_calls(seq, cjson.decode(m.calls), true) end
  if m.results ~= '[]' then index_results(seq, cjson.decode(m.results)) end
  return member, h[1]
end

-- Forgets a message already taken out of the log: its index entries, id and call links; its
-- seq is not reused. at_edge: it was the oldest or the newest kept (see unindex_message).
local function forget_message(member, at_edge)
  local h = scan_head(member)
  local seq = fmt(h[H.seq])
  unindex_message(seq, h, at_edge)
  redis.call('HDEL', K.mids, h[H.messageId])
  unlink_calls(seq, h[H.toolCallIds])
  if #h[H.toolResultIds] > 0 then unindex_results(seq) end
end

-- Removes one message from the log and forgets it.
local function remove_message(member, at_edge)
  redis.call('ZREM', K.log, member)
  forget_message(member, at_edge)
end

-- Replaces a message's member (same seq) by its changed head and the given body.
local function replace_member(old_member, h, body)
  local member = encode_member(h, body)
  redis.call('ZREM', K.log, old_member)
  redis.call('ZADD', K.log, h[H.seq], member)
  reindex_message(fmt(h[H.seq]), scan_head(old_member), h)
  return member
end

-- Trims the oldest past max (0: keep all); their messageIds go too, as the SQL stores forget
-- trimmed rows.
local function trim(max)
  if max <= 0 then return end
  local over = redis.call('ZCARD', K.log) - max
  if over <= 0 then return end
  -- All but the newest max, oldest first: each is the oldest kept when it goes.
  local popped = redis.call('ZPOPMIN', K.log, over)
  for i = 1, #popped, 2 do forget_message(popped[i], true) end
end

local DAY_MS = 86400000

-- Creates the session hash (a new session, or one that expired: nothing is left over).
local function start_session(now)
  redis.call('DEL', K.log, K.mids, K.calls, K.ops, K.results, K.tokens, K.users, K.odd, K.pairs,
    K.paired, K.orphans, K.legacyList, K.legacyIds)
  redis.call('HSET', K.meta, F.createdAt, fmt(now), F.metadata, '{}', F.agentId, '',
    F.title, 'null', F.lastSeq, '0', F.messageCount, '0', F.windowIndex, WINDOW_INDEX_VERSION)
end

-- Slides every TTL (a write). The index and counts outlive the sessions they name by a day, so
-- cleanup can still count what expired (the sessions themselves vanish at their TTL).
local function slide(ttl)
  local session = { K.meta, K.log, K.mids, K.tokens, K.users }
  -- The keys only tool calls, drafts and transactions create: one EXISTS finds that most sessions
  -- have none of them, where a PEXPIRE costs about as much on a missing key as on one that
  -- exists (seven of them were a fifth of an append's server time).
  local rare = { K.calls, K.ops, K.results, K.odd, K.pairs, K.paired, K.orphans }
  if redis.call('EXISTS', unpack(rare)) > 0 then
    for _, key in ipairs(rare) do session[#session + 1] = key end
  end
  for _, key in ipairs(session) do
    if ttl <= 0 then redis.call('PERSIST', key) else redis.call('PEXPIRE', key, ttl) end
  end
  for _, key in ipairs({ K.sessions, K.counts }) do
    if ttl <= 0 then redis.call('PERSIST', key) else redis.call('PEXPIRE', key, ttl + DAY_MS) end
  end
end

-- Ends a write: activity time, expiry, kept count, index, counts and TTLs. ARGV[1] is always
-- the session id of a session script.
local function touch(now, ttl)
  local expires = ''
  if ttl > 0 then expires = fmt(now + ttl * 1000) end
  local count = redis.call('ZCARD', K.log)
  redis.call('HSET', K.meta, F.updatedAt, fmt(now), F.expiresAt, expires, F.messageCount, count)
  redis.call('ZADD', K.sessions, fmt(now), ARGV[1])
  redis.call('HSET', K.counts, ARGV[1], count)
  slide(ttl)
end

-- A change from ARGV[i..i+CHANGE_ARGS-1] (layout.ts CHANGE_ARG_ORDER): '' keeps a field,
-- '=' .. value sets it.
local function read_changes(i)
  local function v(k)
    local a = ARGV[i + k]
    if a == nil or a == '' then return nil end
    return string.sub(a, 2)
  end
  return { kind = v(0), tokens = v(1), calls = v(2), results = v(3),
    parts = { v(4), v(5), v(6), v(7), v(8) } }
end

-- The body's parts as JSON texts ('' for a default one), cut by the head's byte lengths.
local function split_body(body, lengths)
  local parts, pos = {}, 1
  for j, length in ipairs(lengths) do
    if length > 0 then
      pos = pos + 4 -- '"x":'
      parts[j] = string.sub(body, pos, pos + length - 1)
      pos = pos + length + 1 -- and the comma
    else
      parts[j] = ''
    end
  end
  return parts
end

local function join_body(parts)
  local members = {}
  for j, letter in ipairs(BODY_LETTERS) do
    if parts[j] ~= '' then members[#members + 1] = '"' .. letter .. '":' .. parts[j] end
  end
  return table.concat(members, ',')
end

-- Applies a change to a message: changes its head (a decoded table) in place and returns the
-- new body's members.
local function apply_changes(member, h, c)
  local seq = fmt(h[H.seq])
  if c.kind then h[H.kind] = c.kind end
  if c.tokens then h[H.tokenCount] = tonumber(c.tokens) end
  if c.calls then
    unlink_calls(seq, h[H.toolCallIds])
    h[H.toolCallIds] = cjson.decode(c.calls)
    link_calls(seq, h[H.toolCallIds])
  end
  if c.results then
    h[H.toolResultIds] = cjson.decode(c.results)
    unindex_results(seq)
    index_results(seq, h[H.toolResultIds])
  end
  local body = body_of(member)
  local changed = false
  for j = 1, #BODY_LETTERS do
    if c.parts[j] then changed = true end
  end
  if not changed then return body end
  local parts = split_body(body, h[H.partLengths])
  local lengths = {}
  for j = 1, #BODY_LETTERS do
    if c.parts[j] then parts[j] = c.parts[j] end
    lengths[j] = #parts[j]
  end
  h[H.partLengths] = lengths
  return join_body(parts)
end

-- The stored message with this id: its head member and decoded head, or nil.
local function find_message(id)
  local seq = seq_of_id(id)
  if not seq then return nil, nil end
  local member = head_at(seq)
  if not member then return nil, nil end
  return member, decode_head(member)
end

-- Moves a session an older redis store wrote (the list layout: K.legacyList of items
-- '{"seq":..,"messageId":..,"createdAt":..,"role":..,"content":<JSON>,"metadata":<JSON>}' and
-- K.legacyIds) into the log, the first time a script touches it. Content and metadata are cut
-- out as text, not re-encoded; the retry fingerprint is unknown (''), so a retried messageId is
-- answered with the stored message as before. An item of another shape keeps the list (and
-- migrate-redis can still read it).
local LEGACY_ITEM = '^{"seq":(%d+),"messageId":"([^"]*)","createdAt":(%d+),"role":"(%a+)",' ..
  '"content":(.*)}$'
local function upgrade_list()
  local complete = true
  for _, item in ipairs(redis.call('LRANGE', K.legacyList, 0, -1)) do
    local seq, id, created, role, rest = string.match(item, LEGACY_ITEM)
    local close = nil
    if seq and string.sub(rest, 1, 1) == '"' then
      local pos = 2
      while true do
        local q = string.find(rest, '[\\"]', pos)
        if not q then break end
        if string.sub(rest, q, q) == '\\' then
          pos = q + 2
        else
          close = q
          break
        end
      end
    end
    local metadata = close and string.match(string.sub(rest, close + 1), '^,"metadata":(.*)$')
    if not metadata then
      complete = false
    else
      local content = string.sub(rest, 1, close)
      local text = cjson.decode(content)
      if content == '""' then content = '' end
      if metadata == '{}' then metadata = '' end
      local parts = { content, metadata, '', '', '' }
      local h = { tonumber(seq), '', tonumber(created), tonumber(created), 1, 'complete', 0, '', 0,
        id, role, 'message', math.ceil(#text / 4), {}, {}, { #content, #metadata, 0, 0, 0 } }
      redis.call('ZADD', K.log, seq, encode_member(h, join_body(parts)))
      redis.call('HSET', K.mids, id, seq .. ' ')
    end
  end
  if complete then redis.call('DEL', K.legacyList, K.legacyIds) end
  local ttl = redis.call('PTTL', K.meta)
  if ttl > 0 then
    redis.call('PEXPIRE', K.log, ttl)
    redis.call('PEXPIRE', K.mids, ttl)
  end
end

-- Brings a session to this version's layout: the list layout into the log, then the window
-- index built once.
-- version: the session's F.windowIndex when the caller has read it.
local function upgrade(version)
  local listed = redis.call('EXISTS', K.legacyList) == 1
  if listed then upgrade_list() end
  if version == nil then version = redis.call('HGET', K.meta, F.windowIndex) end
  if listed or version ~= WINDOW_INDEX_VERSION then rebuild_index() end
end

-- True when the session a script names does not exist (never created, or expired); else brings
-- it to this version's layout first. One HGET tells both for a session of this version.
local function session_missing()
  local version = redis.call('HGET', K.meta, F.windowIndex)
  if not version and redis.call('EXISTS', K.meta) == 0 then return true end
  upgrade(version)
  return false
end
