-- search-fill-sessions: bulk load (not timed) of the search run's sessions, as if each had
-- received $3 messages: session q<n> belongs to user s<n % 10>, so each of the ten users owns a
-- tenth of the table (a search walks its hits; an ILIKE scan walks a tenth of the table).
--   $1 first session number, $2 last session number, $3 messages per session.
WITH new_users AS (
  INSERT INTO {{schema}}.users (user_id)
  SELECT 's' || u FROM generate_series(0, 9) AS u
  ON CONFLICT DO NOTHING
)
INSERT INTO {{schema}}.sessions (user_id, session_id, last_seq, message_count)
SELECT 's' || (n % 10), 'q' || n, $3::int, $3::int
  FROM generate_series($1::bigint, $2::bigint) AS n
