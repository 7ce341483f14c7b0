m.seq, m.message_id, m.role, m.content, m.metadata, m.created_at, m.data, m.format, m.kind,
       m.tool_call_ids, m.tool_result_ids,
       -- A draft whose lease ran out is aborted, whether or not cleanup has written so yet.
       CASE WHEN m.status = 'streaming' AND m.lease_expires_at <= now() THEN 'aborted'
            ELSE m.status END AS status,
       m.version, coalesce(m.updated_at, m.created_at) AS updated_at, m.model, m.provider,
       m.input_tokens, m.output_tokens, m.total_tokens, m.reasoning_tokens,
       m.cached_input_tokens, m.latency_ms, m.finish_reason,
       coalesce(m.token_count, (octet_length(m.content) + 3) / 4) AS token_count
