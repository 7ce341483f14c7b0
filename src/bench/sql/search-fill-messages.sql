-- search-fill-messages: bulk load (not timed) of the search run's messages: 24 words each from
-- a vocabulary w1..w50000 drawn log-uniformly (word k about as often as 1/k, as words are in
-- text), by a hash of the position, so every run loads the same text. Word frequencies per
-- message: w30 about 7%, w1000 about 0.2%, w5000 about 0.04%.
--   $1 first session number, $2 last session number, $3 messages per session.
INSERT INTO {{schema}}.messages (user_id, session_id, seq, message_id, role, content)
SELECT 's' || (n % 10), 'q' || n, s, 'm' || s,
       CASE WHEN s % 2 = 1 THEN 'user' ELSE 'assistant' END,
       (SELECT string_agg('w' || floor(exp(ln(50000) *
                 ((hashint8(n * 100000 + s * 100 + k)::bigint + 2147483648) / 4294967296.0)))::int,
                 ' ')
          FROM generate_series(1, 24) AS k)
  FROM generate_series($1::bigint, $2::bigint) AS n, generate_series(1, $3::int) AS s
