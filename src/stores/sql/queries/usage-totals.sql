-- usage-totals: an everyone-report (no user, not grouped by user) over [from, to), grouped by any
-- of day (in the caller's zone), agent and model, read from the user-less level (0010): the whole
-- UTC hours of the range that the rollup holds from usage_hourly_totals (a few rows an hour), the
-- rest live from messages in the same row shape (usage_totals_of): the partial hours at either
-- end, the time after the watermark (the hour it falls in is rolled up to it), and dirty hours (up
-- to the watermark). Sums and latency percentiles as in usage.sql; sessions, active sessions and
-- active users are counted from the OR of the rows' sketches (functions/12_usage_totals.sql):
-- estimates, see the README. Parameters as usage.sql: $1 user (must be NULL), $2 from, $3 to, $4
-- zone, $5..$8 group by day, agent, model, user (user must be false).
--   sessions: sessions created in the range (and, by day, on the row's day) that have a message
--   in the row in the hour they were created.
WITH bounds AS (
  -- @include usage-report-bounds
   WHERE $1::text IS NULL AND NOT $8::boolean
),
hours AS (
  SELECT r.*
    FROM bounds b, {{schema}}.usage_hourly_totals r
   WHERE r.hour >= b.lo AND r.hour < b.hi
     AND NOT EXISTS (SELECT 1 FROM {{schema}}.usage_dirty_hours d WHERE d.hour = r.hour)
  UNION ALL
  SELECT t.*
    FROM bounds b,
         {{schema}}.usage_totals_of($2::timestamptz, least(b.lo, $3::timestamptz),
                                    $2::timestamptz, $3::timestamptz, false) t
  UNION ALL
  SELECT t.*
    FROM bounds b,
         {{schema}}.usage_totals_of(b.hi, $3::timestamptz, $2::timestamptz, $3::timestamptz,
                                    false) t
  UNION ALL
  SELECT t.*
    FROM bounds b
    JOIN {{schema}}.usage_dirty_hours d ON d.hour >= b.lo AND d.hour < b.hi,
         {{schema}}.usage_totals_of(d.hour, least(d.hour + interval '1 hour', b.hi), $2::timestamptz,
                                    $3::timestamptz, false) t
),
keyed AS (
  SELECT CASE WHEN $5::boolean
              THEN to_char(date_trunc('day', h.hour AT TIME ZONE $4::text), 'YYYY-MM-DD')
         END AS k_day,
         CASE WHEN $6::boolean THEN h.agent_id END AS k_agent,
         CASE WHEN $7::boolean THEN h.model END AS k_model,
         h.*
    FROM hours h
),
totals AS (
  SELECT k_day, k_agent, k_model,
         {{schema}}.usage_sketch_count(bit_or(started_sessions)) AS sessions,
         {{schema}}.usage_sketch_count(bit_or(active_sessions)) AS active_sessions,
         -- @include usage-sums
         {{schema}}.usage_sketch_count(bit_or(active_users)) AS active_users
    FROM keyed
   GROUP BY 1, 2, 3
),
-- Latency percentiles exactly as usage.sql: the rows' histograms merged per group.
per_bucket AS (
  SELECT k_day, k_agent, k_model, b.bucket, sum(b.n) AS n
    FROM keyed, unnest(latency_buckets, latency_counts) AS b(bucket, n)
   GROUP BY 1, 2, 3, 4
),
ranked AS (
  SELECT k_day, k_agent, k_model, bucket,
         sum(n) OVER (PARTITION BY k_day, k_agent, k_model ORDER BY bucket) AS below,
         sum(n) OVER (PARTITION BY k_day, k_agent, k_model) AS total
    FROM per_bucket
),
latency AS (
  SELECT k_day, k_agent, k_model,
         -- @include usage-latency-ranks
    FROM ranked
   GROUP BY 1, 2, 3
),
joined AS (
  SELECT k_day, k_agent, k_model, sessions, active_sessions, messages, system_messages,
         user_messages, assistant_messages, tool_messages, input_tokens, output_tokens,
         reasoning_tokens, cached_input_tokens, active_users, NULL::integer AS p50_lo,
         NULL::integer AS p50_hi, NULL::integer AS p95_lo, NULL::integer AS p95_hi,
         NULL::bigint AS latencies
    FROM totals
  UNION ALL
  SELECT k_day, k_agent, k_model, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, p50_lo, p50_hi, p95_lo, p95_hi, latencies
    FROM latency
)
SELECT k_day AS day, k_agent AS agent_id, k_model AS model, NULL::text AS user_id,
       -- @include usage-report-figures
  FROM joined
 GROUP BY 1, 2, 3
HAVING max(messages) IS NOT NULL
 ORDER BY 1, 2, 3
