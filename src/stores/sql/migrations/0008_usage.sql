-- 0008_usage: what usage reports read, and the views an analyst queries with psql or a BI tool.
--
-- A report for one user is one range scan of (user_id, created_at); the index is the only cost
-- appends pay (one more b-tree entry per message). (Numbered 0008: 0007 is taken by search.)
CREATE INDEX messages_by_user_time ON {{schema}}.messages (user_id, created_at);

-- Every message with the session's agent, the one row shape every usage view groups.
CREATE VIEW {{schema}}.usage_messages AS
SELECT m.user_id, m.session_id, s.agent_id, m.model, m.provider, m.role, m.created_at,
       s.created_at AS session_created_at, m.input_tokens, m.output_tokens, m.total_tokens,
       m.reasoning_tokens, m.cached_input_tokens, m.latency_ms, m.finish_reason
  FROM {{schema}}.messages m
  JOIN {{schema}}.sessions s USING (user_id, session_id);

-- One row per UTC day, user, agent and model: messages by role, tokens, latency percentiles.
-- Live (a view, not a copy): always current. For another time zone, group usage_messages by
-- date_trunc('day', created_at AT TIME ZONE 'Europe/Lisbon') yourself.
CREATE VIEW {{schema}}.usage_daily AS
SELECT (date_trunc('day', created_at AT TIME ZONE 'UTC'))::date AS day,
       user_id, agent_id, model,
       count(DISTINCT session_id)                       AS active_sessions,
       count(*)                                         AS messages,
       count(*) FILTER (WHERE role = 'system')          AS system_messages,
       count(*) FILTER (WHERE role = 'user')            AS user_messages,
       count(*) FILTER (WHERE role = 'assistant')       AS assistant_messages,
       count(*) FILTER (WHERE role = 'tool')            AS tool_messages,
       coalesce(sum(input_tokens), 0)                   AS input_tokens,
       coalesce(sum(output_tokens), 0)                  AS output_tokens,
       coalesce(sum(reasoning_tokens), 0)               AS reasoning_tokens,
       coalesce(sum(cached_input_tokens), 0)            AS cached_input_tokens,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)  AS latency_p50_ms,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS latency_p95_ms
  FROM {{schema}}.usage_messages
 GROUP BY 1, 2, 3, 4;

-- Active users per UTC day (the admin's headline figure).
CREATE VIEW {{schema}}.usage_active_users_daily AS
SELECT (date_trunc('day', created_at AT TIME ZONE 'UTC'))::date AS day,
       count(DISTINCT user_id) AS active_users,
       count(DISTINCT (user_id, session_id)) AS active_sessions,
       count(*) AS messages
  FROM {{schema}}.usage_messages
 GROUP BY 1;
