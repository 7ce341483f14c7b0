-- try-lock: a session-level advisory lock named by text, held until unlock or disconnect, so one
-- job runner at a time across every process and machine.
--   $1 lock name.
SELECT pg_try_advisory_lock(hashtext($1)) AS locked
