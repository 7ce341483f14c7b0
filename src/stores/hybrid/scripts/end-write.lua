-- end-write (write-through): clears a write mark (mark-write.lua) whose write is settled without
-- a cache update to clear it: refused by PostgreSQL (nothing committed), or a deleteUser whose
-- keys are already dropped.
--   KEYS[1] write marks   ARGV[1] token
-- Returns 1 when the mark was there. Arguments built by write-marks.ts.
return redis.call('ZREM', KEYS[1], ARGV[1])
