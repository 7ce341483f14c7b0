-- usage: one report over [from, to), grouped by any of day (in the caller's zone), agent, model
-- and user. One static statement: each dimension is a CASE on a boolean parameter, so an unused
-- one is a constant NULL that groups nothing. $1 user (NULL: everyone), $2 from, $3 to, $4 zone,
-- $5..$8 group by day, agent, model, user.
--   sessions: sessions started in the range (and, by day, on the row's day) seen in the row.
SELECT CASE WHEN $5::boolean
            THEN to_char(date_trunc('day', u.created_at AT TIME ZONE $4::text), 'YYYY-MM-DD')
       END AS day,
       CASE WHEN $6::boolean THEN u.agent_id END AS agent_id,
       CASE WHEN $7::boolean THEN u.model END AS model,
       CASE WHEN $8::boolean THEN u.user_id END AS user_id,
       count(DISTINCT (u.user_id, u.session_id)) FILTER (
         WHERE u.session_created_at >= $2::timestamptz AND u.session_created_at < $3::timestamptz
           AND (NOT $5::boolean
                OR date_trunc('day', u.session_created_at AT TIME ZONE $4::text)
                 = date_trunc('day', u.created_at AT TIME ZONE $4::text))
       ) AS sessions,
       count(DISTINCT (u.user_id, u.session_id)) AS active_sessions,
       count(*) AS messages,
       count(*) FILTER (WHERE u.role = 'system') AS system_messages,
       count(*) FILTER (WHERE u.role = 'user') AS user_messages,
       count(*) FILTER (WHERE u.role = 'assistant') AS assistant_messages,
       count(*) FILTER (WHERE u.role = 'tool') AS tool_messages,
       coalesce(sum(u.input_tokens), 0)::text AS input_tokens,
       coalesce(sum(u.output_tokens), 0)::text AS output_tokens,
       coalesce(sum(u.reasoning_tokens), 0)::text AS reasoning_tokens,
       coalesce(sum(u.cached_input_tokens), 0)::text AS cached_input_tokens,
       count(DISTINCT u.user_id) AS active_users,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY u.latency_ms) AS latency_p50_ms,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY u.latency_ms) AS latency_p95_ms
  FROM {{schema}}.usage_messages u
 WHERE ($1::text IS NULL OR u.user_id = $1::text)
   AND u.created_at >= $2::timestamptz AND u.created_at < $3::timestamptz
 GROUP BY 1, 2, 3, 4
 ORDER BY 1, 2, 3, 4
