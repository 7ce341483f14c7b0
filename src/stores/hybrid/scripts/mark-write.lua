-- mark-write (write-through): before PostgreSQL is written, records in Redis that a write of this
-- session (or, for deleteUser, of this user) may commit. While the mark stands, no reader serves
-- the cached copy and no refill puts one back (read-window.lua, fill.lua); the writer's cache
-- update after its commit clears it (apply-append.lua, invalidate.lua, end-write.lua). A writer
-- that dies leaves its mark behind: once the mark is older than any write can last
-- (write-marks.ts), whatever the writer sent PostgreSQL has ended, and a reader repairs the
-- session by dropping its cached copy and refilling it. A live writer calls this again every few
-- seconds while its write is in flight, so its mark never looks abandoned.
--   KEYS[1] write marks (zset: token -> Redis time, ms)   ARGV[1] token   ARGV[2] mark ttl ms
-- Returns 1. Arguments built by write-marks.ts.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
