max(sessions) AS sessions,
       max(active_sessions) AS active_sessions,
       max(messages) AS messages,
       max(system_messages) AS system_messages,
       max(user_messages) AS user_messages,
       max(assistant_messages) AS assistant_messages,
       max(tool_messages) AS tool_messages,
       max(input_tokens)::text AS input_tokens,
       max(output_tokens)::text AS output_tokens,
       max(reasoning_tokens)::text AS reasoning_tokens,
       max(cached_input_tokens)::text AS cached_input_tokens,
       max(active_users) AS active_users,
       {{schema}}.usage_latency_quantile(max(p50_lo), max(p50_hi), 0.5::float8, max(latencies)::bigint)
         AS latency_p50_ms,
       {{schema}}.usage_latency_quantile(max(p95_lo), max(p95_hi), 0.95::float8,
                                         max(latencies)::bigint)
         AS latency_p95_ms
