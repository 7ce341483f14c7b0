-- usage-fill-messages: the messages of usage-fill's sessions whose hour offset (n % 720) is in
-- $1..$2 (20 each, a minute apart), oldest first: a table that is appended to is in time order,
-- and the BRIN index on created_at (0009) depends on it. $3 sessions in all, $4 the load's
-- anchor (usage-fill's): the newest end 20 minutes after it.
INSERT INTO {{schema}}.messages (user_id, session_id, seq, message_id, role, content, created_at,
                                 model, input_tokens, output_tokens, latency_ms)
SELECT 'u' || (n / 100), 's' || n, s, 'm' || s,
       CASE WHEN s % 2 = 1 THEN 'user' ELSE 'assistant' END,
       'x',
       $4::timestamptz - (n % 720) * interval '1 hour' + s * interval '1 minute',
       CASE WHEN s % 2 = 0 THEN 'model-' || (n % 4) END,
       CASE WHEN s % 2 = 0 THEN 100 + s END,
       CASE WHEN s % 2 = 0 THEN 50 + n % 17 END,
       CASE WHEN s % 2 = 0 THEN 200 + (n * s) % 800 END
  FROM generate_series($1::bigint, $2::bigint) AS h,
       generate_series(0, $3::bigint / 720) AS j,
       LATERAL (SELECT h + 720 * j AS n) AS session,
       generate_series(1, 20) AS s
 WHERE n < $3::bigint
 ORDER BY n % 720 DESC, s, n
