-- sketch-insert-message: add_message's INSERT, flushed by the count query that follows it.
--   $1 session_id, $2 user_id, $3 role, $4 content, $5 metadata (JSON text).
INSERT INTO {{schema}}.messages (session_id, user_id, role, content, metadata)
VALUES ($1, $2, $3, $4, $5::jsonb)
RETURNING id
