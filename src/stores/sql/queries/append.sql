-- append: one append, one round trip: the append algorithm is append_messages
-- (sql/functions/03_append_messages.sql), shared with batches, drafts and transactions.
--   $1 user_id, $2 session_id, $3 agent_id (null keeps the session's), $4 ttl seconds (null:
--   never expires), $5 max history (null: unlimited), $6 the resolved messages as a JSON array.
SELECT {{schema}}.append_messages($1, $2, $3, $4, $5, $6::text::jsonb) AS result
