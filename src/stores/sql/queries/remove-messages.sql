-- remove-messages: truncate, pop, clear and delete-by-id, as remove_messages
-- (sql/functions/07_remove_messages.sql) runs them; the removed rows, newest first.
--   $1 user_id, $2 session_id, $3 kind ('after' | 'newest' | 'all' | 'ids'), $4 seq ('after'),
--   $5 message ids ('ids'), $6 ttl seconds, $7 message id to truncate after (instead of $4),
--   $8 inclusive (with $7).
SELECT
-- @include message-columns
  FROM {{schema}}.remove_messages(
         $1, $2, $3,
         CASE WHEN $7::text IS NULL THEN $4::bigint
              ELSE {{schema}}.truncate_point($1, $2, $7::text, $8::boolean) END,
         $5::text[], $6) AS m
 ORDER BY m.seq DESC
