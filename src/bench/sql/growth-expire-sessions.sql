-- growth-expire-sessions: the cleanup step of the growth run (not timed): filler sessions
-- f<$1>..f<$2> (owned by g<n / 100>, as growth-fill-sessions made them) expire now, so that the
-- store's cleanupExpired, timed after, has them and their messages to reclaim.
--   $1 first filler session number, $2 last filler session number.
UPDATE {{schema}}.sessions s
   SET expires_at = now() - interval '1 second'
  FROM generate_series($1::bigint, $2::bigint) AS n
 WHERE s.user_id = 'g' || (n / 100) AND s.session_id = 'f' || n
