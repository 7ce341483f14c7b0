-- unlock-lease: gives up a refill lease, only if this caller still holds it (its token), so a
-- loader that failed never frees a lease another caller has taken since.
--   KEYS[1] refill lease   ARGV[1] the holder's token (built by unlock-lease.ts)
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
