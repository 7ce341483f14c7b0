-- insert-messages: the messages of one batch with the seq they had in the source, so order and
-- numbering survive the move, in the store's own columns (the column list and the values are the
-- SQL store's fragments, so a migrated message is stored exactly as an append would store it).
-- ON CONFLICT DO NOTHING (on the (session, seq) key and on the (session, message_id)
-- idempotency key) makes a re-run, or a run after a kill, store each message exactly once. The
-- tool calls the new messages open are indexed as append indexes them (for pair-aligned
-- windows). Each session that got rows has its message_count set to its rows: the ones this
-- statement's snapshot sees (an index range count) plus the ones it just stored, which the
-- snapshot cannot see. Messages older than the usage roll-up's watermark mark their hours
-- dirty, so reports count them. Returns how many rows this run stored (0 on a pure re-run).
--   $1 JSON array of the resolved message shape (messageId, role, content, metadata, data,
--      format, kind, toolCallIds, toolResultIds, status, usage, tokenCount, fingerprint,
--      createdAt in epoch ms or null: the source kept no time, now() stands in) plus
--      user_id, session_id and seq.
WITH inserted AS (
  INSERT INTO {{schema}}.messages
  -- @include message-insert-columns
  SELECT user_id, session_id, seq,
  -- @include message-insert-values
    FROM jsonb_to_recordset($1::text::jsonb) AS m(
  -- @include message-record-columns
         , user_id text, session_id text, seq bigint)
   ORDER BY user_id, session_id, seq
  ON CONFLICT DO NOTHING
  RETURNING user_id, session_id, seq, tool_call_ids, created_at
),
calls AS (
  INSERT INTO {{schema}}.tool_calls (user_id, session_id, call_id, seq)
  SELECT user_id, session_id, c, seq FROM inserted, unnest(tool_call_ids) AS c
  ON CONFLICT DO NOTHING
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
),
-- @include usage-dirty-inserted
SELECT coalesce(sum(stored), 0)::integer AS inserted FROM per_session
