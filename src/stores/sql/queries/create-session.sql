-- create-session: the new session as JSON, or NULL when the user already has a live one.
--   $1 user_id, $2 session_id, $3 agent_id, $4 title, $5 metadata (JSON), $6 ttl seconds.
SELECT {{schema}}.create_session($1, $2, $3, $4, $5::text::jsonb, $6) AS session
