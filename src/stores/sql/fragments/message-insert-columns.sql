(user_id, session_id, seq, message_id, role, content, metadata, data, format, kind,
        tool_call_ids, tool_result_ids, status, model, provider, input_tokens, output_tokens,
        total_tokens, reasoning_tokens, cached_input_tokens, latency_ms, finish_reason,
        token_count, fingerprint, lease_token, lease_ms, lease_expires_at, created_at)
