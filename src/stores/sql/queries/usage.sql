-- usage: one report over [from, to), grouped by any of day (in the caller's zone), agent, model
-- and user. The whole UTC hours of the range that the rollup holds come from usage_hourly; the
-- rest is read live from messages in the same row shape (usage_hours_of): the partial hours at
-- either end, the time after the watermark (the hour it falls in is rolled up to it), and dirty
-- hours (up to the watermark). Each dimension is a CASE on a boolean parameter, so an unused one
-- is a constant NULL that groups nothing. $1 user (NULL: everyone), $2 from, $3 to, $4 zone,
-- $5..$8 group by day, agent, model, user.
--   sessions: sessions started in the range (and, by day, on the row's day) seen in the row.
--   A day is a row's UTC hour seen in the zone: exact in every whole-hour zone.
WITH bounds AS (
  -- @include usage-report-bounds
),
hours AS (
  SELECT r.*
    FROM bounds b, {{schema}}.usage_hourly r
   WHERE r.hour >= b.lo AND r.hour < b.hi
     AND ($1::text IS NULL OR r.user_id = $1::text)
     AND NOT EXISTS (SELECT 1 FROM {{schema}}.usage_dirty_hours d WHERE d.hour = r.hour)
  UNION ALL
  SELECT h.*
    FROM bounds b,
         {{schema}}.usage_hours_of($2::timestamptz, least(b.lo, $3::timestamptz), $1::text) h
  UNION ALL
  SELECT h.* FROM bounds b, {{schema}}.usage_hours_of(b.hi, $3::timestamptz, $1::text) h
  UNION ALL
  SELECT h.*
    FROM bounds b
    JOIN {{schema}}.usage_dirty_hours d ON d.hour >= b.lo AND d.hour < b.hi,
         {{schema}}.usage_hours_of(d.hour, least(d.hour + interval '1 hour', b.hi), $1::text) h
),
keyed AS (
  SELECT CASE WHEN $5::boolean
              THEN to_char(date_trunc('day', h.hour AT TIME ZONE $4::text), 'YYYY-MM-DD')
         END AS k_day,
         CASE WHEN $6::boolean THEN h.agent_id END AS k_agent,
         CASE WHEN $7::boolean THEN h.model END AS k_model,
         CASE WHEN $8::boolean THEN h.user_id END AS k_user,
         h.*
    FROM hours h
),
-- Distinct counts by hashing, not sorting: one row per group and session, then per group and
-- user, so sessions, active sessions and active users are plain counts of those rows.
per_session AS (
  SELECT k_day, k_agent, k_model, k_user, user_id, session_id,
         -- @include usage-sums
         bool_or(session_created_at >= $2::timestamptz AND session_created_at < $3::timestamptz
                 AND (NOT $5::boolean
                      OR date_trunc('day', session_created_at AT TIME ZONE $4::text)
                       = date_trunc('day', hour AT TIME ZONE $4::text))) AS started
    FROM keyed
   GROUP BY 1, 2, 3, 4, 5, 6
),
per_user AS (
  SELECT k_day, k_agent, k_model, k_user, user_id,
         -- @include usage-sums
         count(*) FILTER (WHERE started) AS sessions,
         count(*) AS active_sessions
    FROM per_session
   GROUP BY 1, 2, 3, 4, 5
),
totals AS (
  SELECT k_day, k_agent, k_model, k_user,
         sum(sessions) AS sessions,
         sum(active_sessions) AS active_sessions,
         -- @include usage-sums
         count(*) AS active_users
    FROM per_user
   GROUP BY 1, 2, 3, 4
),
-- Latency percentiles: the rows' histograms merged per group; the buckets of the two ranks each
-- percentile lies between (usage_latency_quantile interpolates, as percentile_cont does).
per_bucket AS (
  SELECT k_day, k_agent, k_model, k_user, b.bucket, sum(b.n) AS n
    FROM keyed, unnest(latency_buckets, latency_counts) AS b(bucket, n)
   GROUP BY 1, 2, 3, 4, 5
),
ranked AS (
  SELECT k_day, k_agent, k_model, k_user, bucket,
         sum(n) OVER (PARTITION BY k_day, k_agent, k_model, k_user ORDER BY bucket) AS below,
         sum(n) OVER (PARTITION BY k_day, k_agent, k_model, k_user) AS total
    FROM per_bucket
),
latency AS (
  SELECT k_day, k_agent, k_model, k_user,
         -- @include usage-latency-ranks
    FROM ranked
   GROUP BY 1, 2, 3, 4
),
-- Totals and percentiles side by side: grouping again matches NULL keys, which a join would not.
joined AS (
  SELECT k_day, k_agent, k_model, k_user, sessions, active_sessions, messages, system_messages,
         user_messages, assistant_messages, tool_messages, input_tokens, output_tokens,
         reasoning_tokens, cached_input_tokens, active_users, NULL::integer AS p50_lo,
         NULL::integer AS p50_hi, NULL::integer AS p95_lo, NULL::integer AS p95_hi,
         NULL::bigint AS latencies
    FROM totals
  UNION ALL
  SELECT k_day, k_agent, k_model, k_user, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, p50_lo, p50_hi, p95_lo, p95_hi, latencies
    FROM latency
)
SELECT k_day AS day, k_agent AS agent_id, k_model AS model, k_user AS user_id,
       -- @include usage-report-figures
  FROM joined
 GROUP BY 1, 2, 3, 4
HAVING max(messages) IS NOT NULL
 ORDER BY 1, 2, 3, 4
