-- get-retention-policy: the policy the service (or `db migrate`) stored; no row when none has yet.
--   no parameters.
SELECT ttl_seconds, max_history, cache_window, written_by, updated_at
  FROM {{schema}}.retention_policy
