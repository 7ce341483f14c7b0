-- unlock: releases try-lock's lock.
--   $1 lock name.
SELECT pg_advisory_unlock(hashtext($1)) AS unlocked
