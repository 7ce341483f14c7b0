-- put-retention-policy: stores the deployment's retention policy (the one row), replacing the
-- last one. Written at the service's start and by `db migrate`; read by flush and cleanup.
--   $1 ttl_seconds, $2 max_history, $3 cache_window (each NULL: none / the default),
--   $4 written_by.
INSERT INTO {{schema}}.retention_policy
       (singleton, ttl_seconds, max_history, cache_window, written_by, updated_at)
VALUES (true, $1, $2, $3, $4, now())
ON CONFLICT (singleton) DO UPDATE
   SET ttl_seconds = excluded.ttl_seconds, max_history = excluded.max_history,
       cache_window = excluded.cache_window, written_by = excluded.written_by,
       updated_at = excluded.updated_at
