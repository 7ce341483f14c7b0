-- abort-expired-drafts: drafts whose lease ran out (their writer died or stopped checkpointing)
-- become 'aborted' for good. Readers already see them so; this makes it stored. The partial
-- index on streaming drafts makes it a scan of those only.
--   $1 most drafts per call.
WITH expired AS (
  SELECT user_id, session_id, seq
    FROM {{schema}}.messages
   WHERE status = 'streaming' AND lease_expires_at <= now()
   ORDER BY lease_expires_at
   LIMIT $1
     FOR UPDATE SKIP LOCKED
)
UPDATE {{schema}}.messages m
   SET status = 'aborted', version = m.version + 1, updated_at = now(), lease_expires_at = NULL
  FROM expired e
 WHERE m.user_id = e.user_id AND m.session_id = e.session_id AND m.seq = e.seq
RETURNING m.seq
