-- flush-reset: when Redis started a session again after it expired (a new incarnation: created
-- after the row's last activity) while PostgreSQL still holds the expired row, empties that row
-- first, as claim_session does for the SQL stores. A row that only looks expired because the
-- flusher lagged (same incarnation) is kept: resetting it would delete flushed messages.
--   $1 user_id, $2 session_id, $3 the incarnation's created at (epoch us).
WITH stale AS (
  SELECT 1
    FROM {{schema}}.sessions
   WHERE user_id = $1 AND session_id = $2 AND expires_at <= now()
     AND updated_at < to_timestamp($3::double precision / 1000000)
),
gone AS (
  DELETE FROM {{schema}}.messages
   WHERE user_id = $1 AND session_id = $2 AND EXISTS (SELECT 1 FROM stale)
)
UPDATE {{schema}}.sessions
   SET agent_id = NULL, title = NULL, metadata = '{}',
       created_at = to_timestamp($3::double precision / 1000000),
       last_seq = 0, message_count = 0
 WHERE user_id = $1 AND session_id = $2 AND EXISTS (SELECT 1 FROM stale)
