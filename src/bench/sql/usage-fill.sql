-- usage-fill: bulk load (not timed) for the usage measurement: $1 sessions of 20 messages each,
-- 100 sessions per user, spread over the 30 days before now, with 4 models (no agent),
-- token counts and latencies on the assistant messages. Generated in the server. $2 the load's
-- anchor: the newest session starts there.
WITH new_users AS (
  INSERT INTO {{schema}}.users (user_id)
  SELECT DISTINCT 'u' || (n / 100) FROM generate_series(0, $1::bigint - 1) AS n
  ON CONFLICT DO NOTHING
), new_sessions AS (
  INSERT INTO {{schema}}.sessions (user_id, session_id, agent_id, created_at, last_seq,
                                   message_count)
  SELECT 'u' || (n / 100), 's' || n, NULL,
         $2::timestamptz - (n % 720) * interval '1 hour', 20, 20
    FROM generate_series(0, $1::bigint - 1) AS n
)
SELECT 1;
