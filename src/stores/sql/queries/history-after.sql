-- history-after: up to $5 messages with $3 < seq < $4 (null: no upper bound), oldest first.
-- Visibility and empty-session rows as in history-newest.
--   $1 user_id, $2 session_id, $3 after seq, $4 before seq, $5 count.
SELECT w.*
  FROM {{schema}}.sessions s
  LEFT JOIN LATERAL (
        SELECT
       -- @include message-columns
          FROM {{schema}}.messages m
         -- $1 and $2, not s's columns: on a partitioned schema the executor then prunes
         -- messages to one partition at start, instead of opening all of them for each read.
         WHERE m.user_id = $1 AND m.session_id = $2
           AND m.seq > $3::bigint
           AND ($4::bigint IS NULL OR m.seq < $4::bigint)
         ORDER BY m.seq
         LIMIT $5
       ) w ON true
 WHERE s.user_id = $1 AND s.session_id = $2
   AND (s.expires_at IS NULL OR s.expires_at > now())
 ORDER BY w.seq
