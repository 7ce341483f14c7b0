-- history-newest: the newest $3 messages of a live session, newest first, as the backward index
-- scan yields them (the caller reverses them: a Sort by seq here was 11-16 us of a 73 us read).
-- No row at all when the session is not visible; one row with a null seq when it has no messages.
--   $1 user_id, $2 session_id, $3 count.
SELECT w.*
  FROM {{schema}}.sessions s
  LEFT JOIN LATERAL (
        SELECT
       -- @include message-columns
          FROM {{schema}}.messages m
         -- $1 and $2, not s's columns: on a partitioned schema the executor then prunes
         -- messages to one partition at start, instead of opening all of them for each read.
         WHERE m.user_id = $1 AND m.session_id = $2
         ORDER BY m.seq DESC
         LIMIT $3
       ) w ON true
 WHERE s.user_id = $1 AND s.session_id = $2
   AND (s.expires_at IS NULL OR s.expires_at > now())
