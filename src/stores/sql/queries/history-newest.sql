-- history-newest: the newest $3 messages of a live session, returned oldest first. No row at all
-- when the session is not visible; one row with a null seq when it has no messages.
--   $1 user_id, $2 session_id, $3 count.
SELECT m.seq, m.message_id, m.role, m.content, m.metadata, m.created_at
  FROM {{schema}}.sessions s
  LEFT JOIN LATERAL (
        SELECT seq, message_id, role, content, metadata, created_at
          FROM {{schema}}.messages
         WHERE user_id = s.user_id AND session_id = s.session_id
         ORDER BY seq DESC
         LIMIT $3
       ) m ON true
 WHERE s.user_id = $1 AND s.session_id = $2
   AND (s.expires_at IS NULL OR s.expires_at > now())
 ORDER BY m.seq
