-- sketch-load-sessions: bulk load (not timed) of the sketch's sessions.
--   $1 session_ids (text[]), $2 user_ids (int[]).
INSERT INTO {{schema}}.sessions (session_id, user_id, expires_at)
SELECT s, u, now() + interval '1 day' FROM unnest($1::text[], $2::int[]) AS t(s, u)
