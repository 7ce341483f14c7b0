-- reset-session: the first step of --reimport-differing, inside the transaction that then writes
-- the source's copy of the session (upsert-sessions, insert-messages) and verifies it before the
-- commit: the target's messages of the session and their tool calls go, and its counters start
-- again from zero, so the new copy gets exactly the source's seqs, last_seq and message_count.
-- Other sessions, the session's row and its user are untouched; a rollback restores the old copy
-- whole.
--   $1 user_id, $2 session_id.
WITH gone AS (
  DELETE FROM {{schema}}.messages WHERE user_id = $1 AND session_id = $2
),
calls AS (
  DELETE FROM {{schema}}.tool_calls WHERE user_id = $1 AND session_id = $2
)
UPDATE {{schema}}.sessions
   SET last_seq = 0, message_count = 0
 WHERE user_id = $1 AND session_id = $2
