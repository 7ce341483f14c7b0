-- flush-ack: after the flusher's PostgreSQL commit, acknowledges and deletes its stream entries
-- and counts them off their sessions. A session whose last entry is flushed gets its cache TTL
-- back (it may be evicted from now on: PostgreSQL has it all), or is dropped from the cache when
-- PostgreSQL did not take its messages as Redis numbered them. An entry acknowledged before (a
-- redelivery), or one of an older incarnation of the session (deleted or restarted since: its
-- entries were discarded, and p counts only the cached incarnation's), is not counted.
--   KEYS[1] flush stream, then for each entry: session hash, cached window, messageId -> seq
--   ARGV[1] consumer group   ARGV[2] cache ttl ms
--   then for each entry: entry id; '1' to drop the cached session (PostgreSQL renumbered or
--   skipped some of its messages, or discarded the entry) or '0'; the entry's incarnation
--   (session field c when it was queued)
-- A session that cannot be dropped yet (more of its entries wait) is marked stale (field x):
-- reads go to PostgreSQL (read-window.lua) until the last entry drops it.
-- Returns how many entries were acknowledged by this call. Arguments built by flush-ack.ts.
local acked = 0
local e = 0
for i = 3, #ARGV, 3 do
  local meta, window, ids = KEYS[2 + e * 3], KEYS[3 + e * 3], KEYS[4 + e * 3]
  e = e + 1
  local done = redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
  redis.call('XDEL', KEYS[1], ARGV[i])
  if done == 1 then
    acked = acked + 1
    if redis.call('HGET', meta, F.createdAt) == ARGV[i + 2] then
      local pending = redis.call('HINCRBY', meta, F.pending, -1)
      if ARGV[i + 1] == '1' then redis.call('HSET', meta, F.stale, '1') end
      if pending <= 0 then
        redis.call('HDEL', meta, F.pending)
        if redis.call('HEXISTS', meta, F.stale) == 1 then
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
