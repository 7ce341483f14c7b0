-- history-before: the newest $4 messages with seq < $3, returned oldest first.
-- Visibility and empty-session rows as in history-newest.
--   $1 user_id, $2 session_id, $3 before seq, $4 count.
SELECT w.*
  FROM {{schema}}.sessions s
  LEFT JOIN LATERAL (
        SELECT
       -- @include message-columns
          FROM {{schema}}.messages m
         -- $1 and $2, not s's columns: on a partitioned schema the executor then prunes
         -- messages to one partition at start, instead of opening all of them for each read.
         WHERE m.user_id = $1 AND m.session_id = $2
           AND m.seq < $3::bigint
         ORDER BY m.seq DESC
         LIMIT $4
       ) w ON true
 WHERE s.user_id = $1 AND s.session_id = $2
   AND (s.expires_at IS NULL OR s.expires_at > now())
 ORDER BY w.seq
