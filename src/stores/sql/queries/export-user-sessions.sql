-- export-user-sessions: export-sessions.sql for one user: a page of their live sessions by id,
-- after a position (a range scan of the primary key within the user).
--   $1 user_id, $2 the session id to start after ('' for the start), $3 page size.
SELECT s.user_id, s.session_id, s.agent_id, s.title, s.metadata, s.created_at, s.updated_at,
       s.expires_at, s.last_seq, s.message_count
  FROM {{schema}}.sessions s
 WHERE s.user_id = $1 AND s.session_id > $2::text
   AND (s.expires_at IS NULL OR s.expires_at > now())
 ORDER BY s.session_id
 LIMIT $3
