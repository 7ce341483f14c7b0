-- sketch-user-sessions: get_user_sessions: every session of a user, most recently updated first.
-- The ORM loads whole rows; the sketch then keeps the ids.
--   $1 user_id.
SELECT id, session_id, user_id, agent_id, title, created_at, updated_at, expires_at, metadata
  FROM {{schema}}.sessions
 WHERE user_id = $1
 ORDER BY updated_at DESC
