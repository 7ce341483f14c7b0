-- growth-fill-messages: bulk load (not timed) of the filler sessions' messages: seq 1..$3 each,
-- about 200 bytes of content, generated in the server (nothing crosses the wire).
--   $1 first filler session number, $2 last filler session number, $3 messages per session.
INSERT INTO {{schema}}.messages (user_id, session_id, seq, message_id, role, content)
SELECT 'g' || (n / 100), 'f' || n, s, 'm' || s,
       CASE WHEN s % 2 = 1 THEN 'user' ELSE 'assistant' END,
       repeat(md5(n::text || ':' || s::text), 6)
  FROM generate_series($1::bigint, $2::bigint) AS n, generate_series(1, $3::int) AS s
