-- delete-session: the session and, by cascade, its messages. No row when not visible.
--   $1 user_id, $2 session_id.
DELETE FROM {{schema}}.sessions
 WHERE user_id = $1 AND session_id = $2
   AND (expires_at IS NULL OR expires_at > now())
RETURNING message_count
