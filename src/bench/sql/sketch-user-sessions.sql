-- sketch-user-sessions: get_user_sessions: every session of a user, most recently updated first.
-- The ORM loads whole rows; to return the same fields as the store's list (which keeps each
-- session's message count and last seq in the row) the sketch must count each session's
-- messages, as a page showing them would: one probe of its session_id index per session.
--   $1 user_id.
SELECT s.id, s.session_id, s.user_id, s.agent_id, s.title, s.created_at, s.updated_at,
       s.expires_at, s.metadata, c.message_count, c.message_count AS last_seq
  FROM {{schema}}.sessions s
 CROSS JOIN LATERAL (SELECT count(*)::integer AS message_count
                       FROM {{schema}}.messages m
                      WHERE m.session_id = s.session_id) c
 WHERE s.user_id = $1
 ORDER BY s.updated_at DESC
