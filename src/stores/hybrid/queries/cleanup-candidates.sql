-- cleanup-candidates (write-behind): the next expired sessions in PostgreSQL, in expiry order
-- after a cursor, for the hybrid cleanup to check against Redis before deleting any: in
-- write-behind PostgreSQL's expires_at lags what Redis acknowledged, so an expired row here may be
-- a live session whose latest entries are still queued (write-behind-cleanup.ts). A plain read:
-- the delete (cleanup-delete.sql) locks and re-checks. The cursor makes skipped sessions cost one
-- look per run, not one per batch; expires_at >= $2 lets the expiry index bound the scan.
--   $1 batch size, $2 cursor expires_at (text; '-infinity' to start), $3 cursor user_id,
--   $4 cursor session_id.
SELECT user_id, session_id, expires_at::text AS expires_at,
       floor(extract(epoch FROM created_at) * 1000)::bigint AS created_ms
  FROM {{schema}}.sessions
 WHERE expires_at <= now()
   AND expires_at >= $2::text::timestamptz
   AND (expires_at, user_id, session_id) > ($2::text::timestamptz, $3::text, $4::text)
 ORDER BY expires_at, user_id, session_id
 LIMIT $1
