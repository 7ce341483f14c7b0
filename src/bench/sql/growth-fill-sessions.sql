-- growth-fill-sessions: bulk load (not timed) of filler users and sessions for the growth run,
-- written straight into the store's tables as if each session had received $3 messages.
--   $1 first filler session number, $2 last filler session number, $3 messages per session.
-- Filler user g<n / 100> owns 100 sessions f<n>; no bench session is touched.
WITH new_users AS (
  INSERT INTO {{schema}}.users (user_id)
  SELECT DISTINCT 'g' || (n / 100) FROM generate_series($1::bigint, $2::bigint) AS n
  ON CONFLICT DO NOTHING
)
INSERT INTO {{schema}}.sessions (user_id, session_id, last_seq, message_count)
SELECT 'g' || (n / 100), 'f' || n, $3::int, $3::int
  FROM generate_series($1::bigint, $2::bigint) AS n
