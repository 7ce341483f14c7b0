-- sketch-history: get_conversation_history, ordered by created_at as the sketch wrote it (which
-- returns the OLDEST $3; on a session of exactly 50 that is the same set as the newest 50).
--   $1 session_id, $2 user_id, $3 limit.
SELECT role, content, created_at, metadata
  FROM {{schema}}.messages
 WHERE session_id = $1 AND user_id = $2
 ORDER BY created_at
 LIMIT $3
