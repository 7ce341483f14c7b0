-- write-behind-append: the acknowledged write of write-behind mode, atomically and in one round
-- trip: appends to the cached window (idempotent per messageId over the window) and, for the
-- messages it stores, adds one entry to the flush stream. While a session has entries waiting
-- (field p), its keys have no TTL: it cannot be evicted or expire before they are flushed.
--   KEYS[1] session hash   KEYS[2] cached window   KEYS[3] messageId -> seq
--   KEYS[4] refill lease   KEYS[5] the flush stream of the user's bucket (it shares the
--   bucket's hash tag with the session's keys, so this runs on a Redis Cluster: cache-keys.ts)
--   ARGV[1] user id   ARGV[2] session id   ARGV[3] session ttl ms ('0': never expires)
--   ARGV[4] max history ('0': all)   ARGV[5] window size   ARGV[6] agent id ('' keeps)
--   ARGV[7] stream bound: refuse when this many entries wait   ARGV[8] create token: '' or the
--   lease token of a caller that has just created the session's row in PostgreSQL (it was
--   missing or expired there)   ARGV[9] that row's created_at (epoch us; '' with no token)
--   ARGV[10..] pairs: messageId, body (JSON members role/content/metadata, without braces)
-- Returns { 1, session hash flat, inserted, items }; { 0 } not cached or expired (load it, or
-- create its row, first); { -1 } the stream is full (PostgreSQL has been away too long);
-- { -2 } a retried messageId carries other fields (nothing written). The codes:
-- script-results.ts; arguments built and reply read by write-behind-append.ts.
-- The stream entry: fields v (its version, 2; flush-entry.ts decodes it and refuses versions it
-- does not know), u user id, s session id, d the cjson-encoded object {agentId (null: none),
-- createdAt (the incarnation), updatedAt, expiresAt (null: never), as strings of epoch us;
-- messages: the stored items as strings, so that their JSON reaches PostgreSQL byte for byte}.
-- Incarnations: a session is only ever started here from a PostgreSQL row that exists (its
-- created_at becomes field c, and every stream entry carries it), so the flusher writes an
-- entry only into the row of the same incarnation and discards entries of a session deleted or
-- restarted since (flush-claim.sql). Field p counts the queued entries of this incarnation only.
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local now_us = string.format('%.0f', now)
local now_ms = string.format('%.0f', math.floor(now / 1000))

-- The session's fields in one HMGET: last seq, expiry, kept count, agent, incarnation, pending.
local fields = redis.call('HMGET', KEYS[1], F.lastSeq, F.expiresAt, F.messageCount, F.agentId,
  F.createdAt, F.pending)
local last = fields[1]
local fresh = false
if not last then
  fresh = true
else
  local expires = fields[2]
  if expires and expires ~= '' and tonumber(expires) <= now then fresh = true end
end
if fresh and (ARGV[8] == '' or redis.call('GET', KEYS[4]) ~= ARGV[8]) then return { 0 } end
if redis.call('XLEN', KEYS[5]) >= tonumber(ARGV[7]) then return { -1 } end

local count, agent, created, pending
if fresh then
  -- New, or expired: the incarnation whose row the caller just made starts from seq 1. Entries
  -- of an older one still queued no longer count here: the flusher discards them.
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
  redis.call('HSET', KEYS[1], F.createdAt, ARGV[9], F.metadata, '{}', F.agentId, '', F.title,
    'null', F.lastSeq, '0', F.messageCount, '0')
  last, count, agent, created, pending = 0, 0, '', ARGV[9], 0
else
  last = tonumber(last)
  count = tonumber(fields[3])
  agent, created, pending = fields[4] or '', fields[5], tonumber(fields[6] or '0')
end
local window_first = last - redis.call('LLEN', KEYS[2]) + 1

-- A retried messageId must carry the fields it was stored with (its fingerprint): otherwise
-- nothing is written and the caller is told (idempotency_mismatch). Checked before any write.
local function fingerprint(json)
  return string.match(json, '"fingerprint":"([^"]*)"')
end
for i = 10, #ARGV, 2 do
  local stored = redis.call('HGET', KEYS[3], ARGV[i])
  if stored then
    local had = fingerprint(redis.call('LINDEX', KEYS[2], tonumber(stored) - window_first) or '')
    if had and had ~= fingerprint(ARGV[i + 1]) then return { -2 } end
  end
end

local items, fresh_items = {}, {}
local inserted = 0
for i = 10, #ARGV, 2 do
  local id = ARGV[i]
  local stored = redis.call('HGET', KEYS[3], id)
  if stored then
    items[#items + 1] = redis.call('LINDEX', KEYS[2], tonumber(stored) - window_first)
  else
    last = last + 1
    inserted = inserted + 1
    local item = '{"seq":' .. string.format('%d', last) .. ',"messageId":"' .. id ..
      '","createdAt":' .. now_ms .. ',' .. ARGV[i + 1] .. '}'
    redis.call('RPUSH', KEYS[2], item)
    redis.call('HSET', KEYS[3], id, last)
    items[#items + 1] = item
    fresh_items[#fresh_items + 1] = item
  end
end

local over = redis.call('LLEN', KEYS[2]) - tonumber(ARGV[5])
if over > 0 then
  for _, item in ipairs(redis.call('LPOP', KEYS[2], over)) do
    redis.call('HDEL', KEYS[3], string.match(item, '^{"seq":%d+,"messageId":"([^"]*)"'))
  end
end
count = count + inserted
local max = tonumber(ARGV[4])
if max > 0 and count > max then count = max end

-- A pure retry (every message stored) changes nothing: not the activity time, not the expiry.
if inserted == 0 and not fresh then return { 1, redis.call('HGETALL', KEYS[1]), 0, items } end

local ttl = tonumber(ARGV[3])
local expires = ''
if ttl > 0 then expires = string.format('%.0f', now + ttl * 1000) end
redis.call('HSET', KEYS[1], F.updatedAt, now_us, F.expiresAt, expires, F.lastSeq,
  string.format('%d', last), F.messageCount, string.format('%d', count))
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[1], F.agentId, ARGV[6])
  agent = ARGV[6]
end

local was_pending = pending > 0
if inserted > 0 then
  local entry = {
    agentId = cjson.null,
    createdAt = created,
    updatedAt = now_us,
    expiresAt = cjson.null,
    messages = fresh_items,
  }
  if agent ~= '' then entry.agentId = agent end
  if expires ~= '' then entry.expiresAt = expires end
  redis.call('XADD', KEYS[5], '*', 'v', '2', 'u', ARGV[1], 's', ARGV[2], 'd', cjson.encode(entry))
  pending = redis.call('HINCRBY', KEYS[1], F.pending, 1)
end
-- Only when entries start waiting: while they wait nothing gives these keys a TTL again
-- (flush-ack.lua does once the last is flushed), so a PERSIST each append did nothing.
if pending > 0 and not was_pending then
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[2])
  redis.call('PERSIST', KEYS[3])
end

return { 1, redis.call('HGETALL', KEYS[1]), inserted, items }
