-- transact: see transact (sql/functions/08_transact.sql).
--   $1 user_id, $2 session_id, $3 agent_id, $4 operation id, $5 body hash, $6 expected suffix
--   (message ids, oldest first; null for an append), $7 messages (JSON), $8 ttl seconds,
--   $9 max history.
SELECT {{schema}}.transact($1, $2, $3, $4, $5, $6::text[], $7::text::jsonb, $8, $9) AS outcome
