-- update-message: see update_message (sql/functions/06_message_changes.sql).
--   $1 user_id, $2 session_id, $3 message_id, $4 expected version (null: any), $5 changes
--   (JSON object of the fields given), $6 ttl seconds.
SELECT {{schema}}.update_message($1, $2, $3, $4, $5::text::jsonb, $6) AS message
