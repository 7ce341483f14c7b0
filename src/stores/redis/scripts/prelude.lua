-- prelude: helpers shared by the session scripts of the redis store; scripts.ts prepends it to
-- each of them, after the tables generated from the TS side (F session fields, B body fields,
-- H head positions, HEAD_KIND head encodings, K the session keys by name, R result codes,
-- MSG_ARGS values per new message). Not a script of its own.
-- Layout of a session (see layout.ts): K.meta the session hash; K.log a sorted set of message
-- heads scored by seq (gaps allowed: seqs are never reused); K.body the opaque JSON parts of each
-- message under '<seq>:<B field>', spliced into replies and never decoded, so `data` stays byte for
-- byte what the caller gave; K.mids messageId -> '<seq> <fingerprint>' (idempotency);
-- K.calls tool call id -> seq of the message that opens it; K.ops operation id -> '<body hash>
-- <seq,seq,...>' (transactions); K.sessions and K.counts the user's index and counts.

local function now_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

local function fmt(n)
  return string.format('%.0f', n)
end

local function encode_ids(ids)
  local out = {}
  for i, id in ipairs(ids) do out[i] = cjson.encode(id) end
  return '[' .. table.concat(out, ',') .. ']'
end

-- Heads hold only the scripts' own values, so cjson may decode them; they are encoded here
-- (numbers with %.0f: cjson would round them to 14 digits).
local function encode_head(h)
  local out = {}
  for i, kind in ipairs(HEAD_KIND) do
    local v = h[i]
    if kind == 'n' then
      out[i] = fmt(v)
    elseif kind == 's' then
      out[i] = cjson.encode(v)
    else
      out[i] = encode_ids(v)
    end
  end
  return '[' .. table.concat(out, ',') .. ']'
end

local function decode_head(member)
  return cjson.decode(member)
end

local function head_seq(member)
  return tonumber(string.match(member, '^%[(%d+),'))
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

local BODY_ORDER = { B.content, B.metadata, B.data, B.usage, B.format }

-- Replies for heads (members of K.log): per message { head, content, metadata, data, usage,
-- format }, the body parts as stored (false for a default), in one HMGET.
local function read_messages(heads)
  if #heads == 0 then return {} end
  local fields = {}
  for _, member in ipairs(heads) do
    local seq = fmt(head_seq(member))
    for _, f in ipairs(BODY_ORDER) do fields[#fields + 1] = seq .. ':' .. f end
  end
  local values = redis.call('HMGET', K.body, unpack(fields))
  local out = {}
  local n = #BODY_ORDER
  for i, member in ipairs(heads) do
    local m = { member }
    for j = 1, n do m[j + 1] = values[(i - 1) * n + j] end
    out[i] = m
  end
  return out
end

local function seq_of_id(id)
  local stored = redis.call('HGET', K.mids, id)
  if not stored then return nil, nil end
  local seq, fp = string.match(stored, '^(%d+) (.*)$')
  return tonumber(seq), fp
end

-- A new message from ARGV[i..i+MSG_ARGS-1], in layout.ts's MESSAGE_ARG_ORDER.
local function new_message(i)
  return {
    id = ARGV[i], fp = ARGV[i + 1], role = ARGV[i + 2], kind = ARGV[i + 3],
    status = ARGV[i + 4], tokens = tonumber(ARGV[i + 5]),
    calls = cjson.decode(ARGV[i + 6]), results = cjson.decode(ARGV[i + 7]),
    body = { ARGV[i + 8], ARGV[i + 9], ARGV[i + 10], ARGV[i + 11], ARGV[i + 12] },
  }
end

local function write_body(seq, parts)
  local s = fmt(seq)
  for j, f in ipairs(BODY_ORDER) do
    if parts[j] == nil then
      -- not given: keep
    elseif parts[j] == '' then
      redis.call('HDEL', K.body, s .. ':' .. f)
    else
      redis.call('HSET', K.body, s .. ':' .. f, parts[j])
    end
  end
end

local function link_calls(seq, calls)
  for _, id in ipairs(calls) do redis.call('HSETNX', K.calls, id, seq) end
end

local function unlink_calls(seq, calls)
  for _, id in ipairs(calls) do
    if tonumber(redis.call('HGET', K.calls, id)) == seq then redis.call('HDEL', K.calls, id) end
  end
end

-- Stores a new message under the next seq; returns its head (the K.log member).
local function insert_message(m, now_ms, lease_until)
  local seq = tonumber(redis.call('HINCRBY', K.meta, F.lastSeq, 1))
  local h = { seq, m.id, now_ms, now_ms, 1, m.status, lease_until or 0, m.role, m.kind, m.tokens,
    m.calls, m.results }
  local member = encode_head(h)
  redis.call('ZADD', K.log, seq, member)
  write_body(seq, m.body)
  redis.call('HSET', K.mids, m.id, fmt(seq) .. ' ' .. m.fp)
  link_calls(seq, m.calls)
  return member
end

-- Removes one message (its head, body, id and call links); its seq is not reused.
local function remove_message(member)
  local h = decode_head(member)
  local seq = h[H.seq]
  local s = fmt(seq)
  redis.call('ZREM', K.log, member)
  redis.call('HDEL', K.body, s .. ':' .. B.content, s .. ':' .. B.metadata, s .. ':' .. B.data,
    s .. ':' .. B.usage, s .. ':' .. B.format, s .. ':' .. B.lease)
  redis.call('HDEL', K.mids, h[H.messageId])
  unlink_calls(seq, h[H.toolCallIds])
end

-- Replaces a message's head (same seq).
local function replace_head(old_member, h)
  local member = encode_head(h)
  redis.call('ZREM', K.log, old_member)
  redis.call('ZADD', K.log, h[H.seq], member)
  return member
end

-- Trims the oldest past max (0: keep all); their messageIds go too, as the SQL stores forget
-- trimmed rows.
local function trim(max)
  if max <= 0 then return end
  local extra = redis.call('ZCARD', K.log) - max
  if extra <= 0 then return end
  for _, member in ipairs(redis.call('ZRANGE', K.log, 0, extra - 1)) do remove_message(member) end
end

local DAY_MS = 86400000

-- Creates the session hash (a new session, or one that expired: nothing is left over).
local function start_session(now)
  redis.call('DEL', K.log, K.body, K.mids, K.calls, K.ops)
  redis.call('HSET', K.meta, F.createdAt, fmt(now), F.metadata, '{}', F.agentId, '',
    F.title, 'null', F.lastSeq, '0', F.messageCount, '0')
end

-- Slides every TTL (a write). The index and counts outlive the sessions they name by a day, so
-- cleanup can still count what expired (the sessions themselves vanish at their TTL).
local function slide(ttl)
  local session = { K.meta, K.log, K.body, K.mids, K.calls, K.ops }
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
    body = { v(4), v(5), v(6), v(7), v(8) } }
end

-- Applies a change to a head (a decoded table, changed in place) and the body.
local function apply_changes(h, c)
  if c.kind then h[H.kind] = c.kind end
  if c.tokens then h[H.tokenCount] = tonumber(c.tokens) end
  if c.calls then
    unlink_calls(h[H.seq], h[H.toolCallIds])
    h[H.toolCallIds] = cjson.decode(c.calls)
    link_calls(h[H.seq], h[H.toolCallIds])
  end
  if c.results then h[H.toolResultIds] = cjson.decode(c.results) end
  write_body(h[H.seq], c.body)
end

-- The stored message with this id: its head member and decoded head, or nil.
local function find_message(id)
  local seq = seq_of_id(id)
  if not seq then return nil, nil end
  local member = head_at(seq)
  if not member then return nil, nil end
  return member, decode_head(member)
end
