-- append-locked: the append that is exact under any concurrency, for when append (the one
-- statement) stands aside: see append_messages in the migrations, which locks the session row
-- first and then reads retries with a fresh snapshot. Still one round trip.
--   $1 user_id, $2 session_id, $3 agent_id (null keeps the session's), $4 ttl seconds (null:
--   never expires), $5 max history (null: unlimited), $6 messages as a JSON array.
SELECT {{schema}}.append_messages($1, $2, $3, $4, $5, $6::text::jsonb) AS result
