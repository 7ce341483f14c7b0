-- history-newest: the newest $3 messages of a live session, returned oldest first. No row at all
-- when the session is not visible; one row with a null seq when it has no messages.
--   $1 user_id, $2 session_id, $3 count.
SELECT w.*
  FROM {{schema}}.sessions s
  LEFT JOIN LATERAL (
        SELECT
       -- @include message-columns
          FROM {{schema}}.messages m
         WHERE m.user_id = s.user_id AND m.session_id = s.session_id
         ORDER BY m.seq DESC
         LIMIT $3
       ) w ON true
 WHERE s.user_id = $1 AND s.session_id = $2
   AND (s.expires_at IS NULL OR s.expires_at > now())
 ORDER BY w.seq
