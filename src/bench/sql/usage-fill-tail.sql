-- usage-fill-tail: after the first roll-up, the messages a running service has not rolled up
-- yet: $2 messages spread evenly over the $4 seconds after the watermark $3 (the service's
-- interval plus the roll-up's margin: the most its schedule leaves), at the load's own density,
-- in the newest hour's sessions (n % 720 = 0, of $1 sessions in all) after their 20 messages.
INSERT INTO {{schema}}.messages (user_id, session_id, seq, message_id, role, content, created_at,
                                 model, input_tokens, output_tokens, latency_ms)
SELECT 'u' || (n / 100), 's' || n, s, 'm' || s,
       CASE WHEN s % 2 = 1 THEN 'user' ELSE 'assistant' END,
       'x',
       $3::timestamptz + i * make_interval(secs => $4::double precision / $2::integer),
       CASE WHEN s % 2 = 0 THEN 'model-' || (n % 4) END,
       CASE WHEN s % 2 = 0 THEN 100 + s END,
       CASE WHEN s % 2 = 0 THEN 50 + n % 17 END,
       CASE WHEN s % 2 = 0 THEN 200 + (n * s) % 800 END
  FROM generate_series(0, $2::bigint - 1) AS i,
       LATERAL (SELECT ($1::bigint + 719) / 720 AS newest) AS c,
       LATERAL (SELECT 720 * (i % c.newest) AS n, 21 + i / c.newest AS s) AS m
