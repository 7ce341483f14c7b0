-- sketch-find-session: get_or_create_session's first query, as SQLAlchemy's .first() sends it.
--   $1 session_id, $2 user_id.
SELECT id, session_id, user_id, agent_id, title, created_at, updated_at, expires_at, metadata
  FROM {{schema}}.sessions
 WHERE session_id = $1 AND user_id = $2
 LIMIT 1
