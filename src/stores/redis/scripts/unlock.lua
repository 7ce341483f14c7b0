-- unlock: releases a job lock only if this runner still holds it (its token), so a runner whose
-- lock expired never frees the next runner's.
--   KEYS[1] lock key   ARGV[1] the holder's token
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
