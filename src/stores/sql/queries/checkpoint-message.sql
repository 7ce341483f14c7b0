-- checkpoint-message: see checkpoint_message (sql/functions/06_message_changes.sql).
--   $1 user_id, $2 session_id, $3 message_id, $4 lease, $5 changes (JSON), $6 ttl seconds.
SELECT {{schema}}.checkpoint_message($1, $2, $3, $4, $5::text::jsonb, $6) AS message
