-- list-sessions: one page of a user's live sessions, most recent activity first, by keyset on
-- (last activity, session id) exactly as the SQL stores order them. Index entries whose session
-- has expired are removed on the way, so the index never serves the dead.
--   KEYS[1] user's session index (zset: member session id, score last activity in microseconds)
--   ARGV[1] the user's key base (session hashes are base .. 'meta:' .. id; same hash tag)
--   ARGV[2] cursor score ('' for the first page)   ARGV[3] cursor session id   ARGV[4] how many
-- Returns a flat list: score, session id, session hash (flat list), ... at most ARGV[4] sessions.
-- @flags allow-oom (as a function: it only removes index entries of expired sessions)
local want = tonumber(ARGV[4])
local out = {}
local found = 0

local function take(members)
  for i = 1, #members, 2 do
    if found >= want then return end
    local id, score = members[i], members[i + 1]
    local session = redis.call('HGETALL', ARGV[1] .. SESSION_WORDS[1] .. ':' .. id)
    if #session == 0 then
      redis.call('ZREM', KEYS[1], id)
    else
      out[#out + 1] = score
      out[#out + 1] = id
      out[#out + 1] = session
      found = found + 1
    end
  end
end

local max = '+inf'
if ARGV[2] ~= '' then
  -- Same activity time as the cursor: only ids below the cursor's (reverse lexicographic order).
  local ties = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[2], ARGV[2], 'WITHSCORES')
  local below = {}
  for i = 1, #ties, 2 do
    if ties[i] < ARGV[3] then
      below[#below + 1] = ties[i]
      below[#below + 1] = ties[i + 1]
    end
  end
  take(below)
  max = '(' .. ARGV[2]
end

local offset = 0
while found < want do
  local chunk = redis.call('ZREVRANGEBYSCORE', KEYS[1], max, '-inf', 'WITHSCORES', 'LIMIT',
    offset, want)
  if #chunk == 0 then break end
  local before = redis.call('ZCARD', KEYS[1])
  take(chunk)
  -- Entries pruned by take() shift the ranks of the rest; count only the ones still there.
  offset = offset + #chunk / 2 - (before - redis.call('ZCARD', KEYS[1]))
end
return out
