-- flush-trim: keeps the newest $3 messages of a session after a flush, as append_messages does
-- for the SQL stores (maxHistory), and keeps message_count right.
--   $1 user_id, $2 session_id, $3 max history.
WITH gone AS (
  DELETE FROM {{schema}}.messages m
   USING {{schema}}.sessions s
   WHERE s.user_id = $1 AND s.session_id = $2
     AND m.user_id = $1 AND m.session_id = $2
     AND m.seq <= s.last_seq - $3::integer
  RETURNING 1
)
UPDATE {{schema}}.sessions
   SET message_count = message_count - (SELECT count(*) FROM gone)
 WHERE user_id = $1 AND session_id = $2
