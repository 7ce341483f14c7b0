-- history-after: up to $5 messages with $3 < seq < $4 (null: no upper bound), oldest first.
-- Visibility and empty-session rows as in history-newest.
--   $1 user_id, $2 session_id, $3 after seq, $4 before seq, $5 count.
SELECT m.seq, m.message_id, m.role, m.content, m.metadata, m.created_at
  FROM {{schema}}.sessions s
  LEFT JOIN LATERAL (
        SELECT seq, message_id, role, content, metadata, created_at
          FROM {{schema}}.messages
         WHERE user_id = s.user_id AND session_id = s.session_id
           AND seq > $3::bigint
           AND ($4::bigint IS NULL OR seq < $4::bigint)
         ORDER BY seq
         LIMIT $5
       ) m ON true
 WHERE s.user_id = $1 AND s.session_id = $2
   AND (s.expires_at IS NULL OR s.expires_at > now())
 ORDER BY m.seq
