-- sketch-create-session: create_session's INSERT (the sketch commits right after it).
--   $1 session_id, $2 user_id, $3 expires_at.
INSERT INTO {{schema}}.sessions (session_id, user_id, expires_at)
VALUES ($1, $2, $3)
RETURNING id
