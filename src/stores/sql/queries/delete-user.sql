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
),
-- The user-less level (0010) cannot take one user out of a row: the hours they had usage in lose
-- their totals rows and are marked dirty, read live (without them) until the next roll-up.
their_hours AS (
  SELECT DISTINCT hour FROM {{schema}}.usage_hourly WHERE user_id = $1
),
erased_totals AS (
  DELETE FROM {{schema}}.usage_hourly_totals t USING their_hours h WHERE t.hour = h.hour
),
dirty AS (
  INSERT INTO {{schema}}.usage_dirty_hours (hour) SELECT hour FROM their_hours
      ON CONFLICT DO NOTHING
)
SELECT sessions, messages FROM doomed
