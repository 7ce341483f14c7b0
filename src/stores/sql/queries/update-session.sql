-- update-session: changes only the fields whose flag is true, and slides the expiry (an update is
-- a write). No row when the session is not visible to this user.
--   $1 user_id, $2 session_id, $3 ttl seconds,
--   $4 set agent?, $5 agent_id, $6 set title?, $7 title, $8 set metadata?, $9 metadata (JSON).
-- The agent is created on first reference, as append does, and only from the row the update
-- changed: a refused update (a missing, expired or another user's session) writes nothing, not
-- even the agent. The foreign key on sessions.agent_id is checked at the end of the statement,
-- after the CTE's insert.
WITH updated AS (
  UPDATE {{schema}}.sessions s
     SET agent_id   = CASE WHEN $4::boolean THEN $5::text ELSE s.agent_id END,
         title      = CASE WHEN $6::boolean THEN $7::text ELSE s.title END,
         metadata   = CASE WHEN $8::boolean THEN $9::text::jsonb ELSE s.metadata END,
         updated_at = now(),
         expires_at = now() + make_interval(secs => $3::integer)
   WHERE s.user_id = $1 AND s.session_id = $2
     AND (s.expires_at IS NULL OR s.expires_at > now())
  RETURNING {{schema}}.session_json(s) AS session
),
agent AS (
  INSERT INTO {{schema}}.agents (agent_id)
  SELECT $5 FROM updated WHERE $4::boolean AND $5::text IS NOT NULL
  ON CONFLICT DO NOTHING
)
SELECT session FROM updated
