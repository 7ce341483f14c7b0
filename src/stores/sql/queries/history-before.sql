-- history-before: the newest $4 messages with seq < $3, returned oldest first.
-- Visibility and empty-session rows as in history-newest.
--   $1 user_id, $2 session_id, $3 before seq, $4 count.
SELECT m.seq, m.message_id, m.role, m.content, m.metadata, m.created_at
  FROM {{schema}}.sessions s
  LEFT JOIN LATERAL (
        SELECT seq, message_id, role, content, metadata, created_at
          FROM {{schema}}.messages
         WHERE user_id = s.user_id AND session_id = s.session_id
           AND seq < $3::bigint
         ORDER BY seq DESC
         LIMIT $4
       ) m ON true
 WHERE s.user_id = $1 AND s.session_id = $2
   AND (s.expires_at IS NULL OR s.expires_at > now())
 ORDER BY m.seq
