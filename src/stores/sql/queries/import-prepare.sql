-- import-prepare: what an imported session's row needs first: its user and agent rows (foreign
-- keys), and no expired leftover of the same id (readers already treat it as gone; its messages
-- go with it by cascade, as an append would reset it).
--   $1 user_id, $2 session_id, $3 agent_id or null.
WITH users AS (
  INSERT INTO {{schema}}.users (user_id) VALUES ($1) ON CONFLICT DO NOTHING
),
agents AS (
  INSERT INTO {{schema}}.agents (agent_id)
  SELECT $3::text WHERE $3::text IS NOT NULL
      ON CONFLICT DO NOTHING
)
DELETE FROM {{schema}}.sessions
 WHERE user_id = $1 AND session_id = $2 AND expires_at <= now()
