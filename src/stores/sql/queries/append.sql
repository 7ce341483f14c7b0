-- append: one round trip for the whole append (see append_messages in the migrations).
--   $1 user_id, $2 session_id, $3 agent_id (null keeps the session's), $4 ttl seconds (null:
--   never expires), $5 max history (null: unlimited), $6 messages as a JSON array.
SELECT {{schema}}.append_messages($1, $2, $3, $4, $5, $6::text::jsonb) AS result
