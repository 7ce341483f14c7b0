m.seq, m.message_id, m.role, m.content, m.metadata, m.created_at, m.data, m.format, m.kind,
       m.tool_call_ids, m.tool_result_ids,
       -- A draft whose lease ran out is aborted, whether or not cleanup has written so yet.
       CASE WHEN m.status = 'streaming' AND m.lease_expires_at <= now() THEN 'aborted'
            ELSE m.status END AS status,
       -- null when never edited: the reader takes created_at (one timestamp fewer to parse).
       m.version, m.updated_at,
       -- Usage as one JSON value, null for the many messages without any: nine columns parsed per
       -- row were 40% of a 50-message read's client time (measured with bench --explain).
       CASE WHEN num_nonnulls(m.model, m.provider, m.input_tokens, m.output_tokens, m.total_tokens,
                              m.reasoning_tokens, m.cached_input_tokens, m.latency_ms,
                              m.finish_reason) > 0
            THEN json_strip_nulls(json_build_object(
                   'model', m.model, 'provider', m.provider, 'inputTokens', m.input_tokens,
                   'outputTokens', m.output_tokens, 'totalTokens', m.total_tokens,
                   'reasoningTokens', m.reasoning_tokens,
                   'cachedInputTokens', m.cached_input_tokens, 'latencyMs', m.latency_ms,
                   'finishReason', m.finish_reason)) END AS usage,
       coalesce(m.token_count, (octet_length(m.content) + 3) / 4) AS token_count
