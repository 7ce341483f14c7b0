-- flush-ack: after the flusher's PostgreSQL commit, acknowledges and deletes its stream entries
-- and counts them off their sessions. A session whose last entry is flushed gets its cache TTL
-- back (it may be evicted from now on: PostgreSQL has it all). An entry acknowledged before
-- (a redelivery) is not counted twice.
--   KEYS[1] flush stream, then for each entry: session hash, cached window, messageId -> seq
--   ARGV[1] consumer group   ARGV[2] cache ttl ms
--   then for each entry: entry id, '1' to drop the cached session (PostgreSQL renumbered some
--   of its messages) or '0'
-- Returns how many entries were acknowledged by this call.
local acked = 0
local e = 0
for i = 3, #ARGV, 2 do
  local meta, window, ids = KEYS[2 + e * 3], KEYS[3 + e * 3], KEYS[4 + e * 3]
  e = e + 1
  local done = redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
  redis.call('XDEL', KEYS[1], ARGV[i])
  if done == 1 then
    acked = acked + 1
    if redis.call('EXISTS', meta) == 1 then
      local pending = redis.call('HINCRBY', meta, 'p', -1)
      if pending <= 0 then
        redis.call('HDEL', meta, 'p')
        if ARGV[i + 1] == '1' then
          redis.call('DEL', meta, window, ids)
        else
          redis.call('PEXPIRE', meta, ARGV[2])
          redis.call('PEXPIRE', window, ARGV[2])
          redis.call('PEXPIRE', ids, ARGV[2])
        end
      end
    end
  end
end
return acked
