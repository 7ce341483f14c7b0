-- finalize-message: see finalize_message (sql/functions/06_message_changes.sql).
--   $1 user_id, $2 session_id, $3 message_id, $4 lease (null: none given), $5 status,
--   $6 changes (JSON), $7 ttl seconds.
SELECT {{schema}}.finalize_message($1, $2, $3, $4, $5, $6::text::jsonb, $7) AS message
