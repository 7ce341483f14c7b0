-- read-migrated: what the target holds for a batch of sessions, for --verify: one row per stored
-- message (or one row with seq NULL for a session without messages, and found false for a
-- session that is missing), ordered so the caller hashes each session as it streams by.
-- Metadata comes back as text so the caller parses it exactly as it parsed the source; data is
-- text already (kept byte for byte); usage comes as its columns, the caller drops the nulls.
--   $1 JSON array of {user_id, session_id}.
SELECT k.user_id, k.session_id, s.user_id IS NOT NULL AS found,
       m.seq, m.message_id, m.role, m.content, m.metadata::text AS metadata,
       m.data, m.format, m.kind, m.tool_call_ids, m.tool_result_ids,
       m.model, m.provider, m.input_tokens::text, m.output_tokens::text, m.total_tokens::text,
       m.reasoning_tokens::text, m.cached_input_tokens::text, m.latency_ms::text,
       m.finish_reason
  FROM jsonb_to_recordset($1::text::jsonb) AS k(user_id text, session_id text)
  LEFT JOIN {{schema}}.sessions s
    ON s.user_id = k.user_id AND s.session_id = k.session_id
  LEFT JOIN {{schema}}.messages m
    ON m.user_id = s.user_id AND m.session_id = s.session_id
 ORDER BY k.user_id, k.session_id, m.seq
