-- get-session: a live session of this user; no row when missing, expired or someone else's.
-- Plain columns, not session_json(): reads skip building and parsing JSON.
--   $1 user_id, $2 session_id.
SELECT s.user_id, s.session_id, s.agent_id, s.title, s.metadata, s.created_at, s.updated_at,
       s.expires_at, s.last_seq, s.message_count
  FROM {{schema}}.sessions s
 WHERE s.user_id = $1 AND s.session_id = $2
   AND (s.expires_at IS NULL OR s.expires_at > now())
