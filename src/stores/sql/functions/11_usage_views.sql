-- The usage views an analyst queries with psql or a BI tool, fed by the rollup (0009): rolled-up
-- hours from usage_hourly (the one the watermark falls in up to it), the time after the watermark
-- and the dirty hours read live from messages, so a view is as fresh as the last commit. Recreated
-- whole when this file changes.
DROP VIEW IF EXISTS {{schema}}.usage_active_users_daily;
DROP VIEW IF EXISTS {{schema}}.usage_daily;
DROP VIEW IF EXISTS {{schema}}.usage_hours;

-- One row per UTC hour, user, session, agent and model (the shape of usage_hourly).
CREATE VIEW {{schema}}.usage_hours AS
SELECT r.*
  FROM {{schema}}.usage_hourly r, {{schema}}.usage_rollup_state st
 WHERE r.hour < st.rolled_until
   AND NOT EXISTS (SELECT 1 FROM {{schema}}.usage_dirty_hours d WHERE d.hour = r.hour)
UNION ALL
SELECT live.*
  FROM {{schema}}.usage_rollup_state st,
       {{schema}}.usage_hours_of(coalesce(st.rolled_until, '-infinity'), 'infinity', NULL) live
UNION ALL
SELECT live.*
  FROM {{schema}}.usage_dirty_hours d, {{schema}}.usage_rollup_state st,
       {{schema}}.usage_hours_of(d.hour, least(d.hour + interval '1 hour', st.rolled_until), NULL)
         live
 WHERE d.hour < st.rolled_until;

-- One row per UTC day, user, agent and model. Latency percentiles from the histograms (within
-- 9 % of the exact value; see the README).
CREATE VIEW {{schema}}.usage_daily AS
SELECT (date_trunc('day', hour AT TIME ZONE 'UTC'))::date AS day,
       user_id, agent_id, model,
       count(DISTINCT session_id)         AS active_sessions,
       -- @include usage-sums
       {{schema}}.usage_histogram_quantile(
         {{schema}}.usage_latency_histogram(latency_buckets, latency_counts), 0.5) AS latency_p50_ms,
       {{schema}}.usage_histogram_quantile(
         {{schema}}.usage_latency_histogram(latency_buckets, latency_counts), 0.95) AS latency_p95_ms
  FROM {{schema}}.usage_hours
 GROUP BY 1, 2, 3, 4;

-- Active users and sessions per UTC day (the admin's headline figure).
CREATE VIEW {{schema}}.usage_active_users_daily AS
SELECT (date_trunc('day', hour AT TIME ZONE 'UTC'))::date AS day,
       count(DISTINCT user_id) AS active_users,
       count(DISTINCT (user_id, session_id)) AS active_sessions,
       sum(messages) AS messages
  FROM {{schema}}.usage_hours
 GROUP BY 1;
