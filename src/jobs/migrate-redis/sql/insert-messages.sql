-- insert-messages: the messages of one batch with the seq they had in the source, so order and
-- numbering survive the move. ON CONFLICT DO NOTHING (on the (session, seq) key and on the
-- (session, message_id) idempotency key) makes a re-run, or a run after a kill, store each
-- message exactly once. Each session that got rows has its message_count set to its rows: the
-- ones this statement's snapshot sees (an index range count) plus the ones it just stored, which
-- the snapshot cannot see. Returns how many rows this run stored (0 on a pure re-run).
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
  RETURNING user_id, session_id
),
per_session AS (
  SELECT user_id, session_id, count(*)::integer AS stored
    FROM inserted
   GROUP BY user_id, session_id
),
counted AS (
  UPDATE {{schema}}.sessions s
     SET message_count = p.stored + (
           SELECT count(*) FROM {{schema}}.messages m
            WHERE m.user_id = p.user_id AND m.session_id = p.session_id)
    FROM per_session p
   WHERE s.user_id = p.user_id AND s.session_id = p.session_id
)
SELECT coalesce(sum(stored), 0)::integer AS inserted FROM per_session
