-- delete-user: the user and, by cascade, every session and message of theirs, and their usage
-- rollup rows (an erasure leaves no trace; cleanup of expired sessions keeps usage: history).
-- Counts what goes, expired sessions included. Always one row.
--   $1 user_id.
WITH doomed AS (
  SELECT count(*)::integer AS sessions, coalesce(sum(message_count), 0)::integer AS messages
    FROM {{schema}}.sessions
   WHERE user_id = $1
),
gone AS (
  DELETE FROM {{schema}}.users WHERE user_id = $1
),
erased_usage AS (
  DELETE FROM {{schema}}.usage_hourly WHERE user_id = $1
)
SELECT sessions, messages FROM doomed
