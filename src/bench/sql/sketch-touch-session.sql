-- sketch-touch-session: get_or_create_session's update of an existing session (then a commit).
--   $1 id of the session row, $2 expires_at, $3 updated_at.
UPDATE {{schema}}.sessions SET expires_at = $2, updated_at = $3 WHERE id = $1
