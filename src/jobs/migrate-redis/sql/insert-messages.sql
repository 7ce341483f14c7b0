-- insert-messages: the messages of one batch with the seq they had in the source, so order and
-- numbering survive the move. ON CONFLICT DO NOTHING (on the (session, seq) key and on the
-- (session, message_id) idempotency key) makes a re-run, or a run after a kill, store each
-- message exactly once. Returns how many rows this run stored (0 on a pure re-run).
--   $1 JSON array of {user_id, session_id, seq, message_id, role, content, metadata, created_at}
--      (created_at null: the source kept no time; now() stands in).
WITH inserted AS (
  INSERT INTO {{schema}}.messages (
    user_id, session_id, seq, message_id, role, content, metadata, created_at)
  SELECT user_id, session_id, seq, message_id, role, content, coalesce(metadata, '{}'),
         coalesce(created_at, now())
    FROM jsonb_to_recordset($1::text::jsonb) AS m(
      user_id text, session_id text, seq bigint, message_id text, role text, content text,
      metadata jsonb, created_at timestamptz)
   ORDER BY user_id, session_id, seq
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT count(*)::integer AS inserted FROM inserted
