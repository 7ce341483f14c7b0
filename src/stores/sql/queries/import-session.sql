-- import-session: creates or overwrites an imported session's row from its exported JSON (the
-- Session object with snake_case keys). jsonb_populate_record maps keys to columns by name, so a
-- column added later is carried as soon as the Session object has it. The seq counter only
-- grows; message_count starts at 0 and counts what import-messages.sql stores.
--   $1 the session as a JSON object (user_id, session_id, agent_id, ...).
INSERT INTO {{schema}}.sessions
SELECT (jsonb_populate_record(NULL::{{schema}}.sessions, $1::text::jsonb || '{"message_count": 0}')).*
    ON CONFLICT (user_id, session_id) DO UPDATE
   SET agent_id = EXCLUDED.agent_id,
       title = EXCLUDED.title,
       metadata = EXCLUDED.metadata,
       created_at = EXCLUDED.created_at,
       updated_at = EXCLUDED.updated_at,
       expires_at = EXCLUDED.expires_at,
       last_seq = greatest(sessions.last_seq, EXCLUDED.last_seq)
