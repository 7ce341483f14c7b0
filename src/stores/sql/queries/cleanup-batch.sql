-- cleanup-batch: reclaims up to $1 expired sessions (their messages go by cascade) in one short
-- transaction. SKIP LOCKED steps around sessions an append holds; FOR UPDATE re-checks expires_at
-- on the newest row version, so a session whose expiry a concurrent write just moved is kept.
--   $1 batch size.
WITH victims AS (
  SELECT user_id, session_id
    FROM {{schema}}.sessions
   WHERE expires_at <= now()
   ORDER BY expires_at
   LIMIT $1
     FOR UPDATE SKIP LOCKED
),
gone AS (
  DELETE FROM {{schema}}.sessions s
   USING victims v
   WHERE s.user_id = v.user_id AND s.session_id = v.session_id
  RETURNING s.message_count
)
SELECT count(*)::integer AS sessions, coalesce(sum(message_count), 0)::integer AS messages
  FROM gone
