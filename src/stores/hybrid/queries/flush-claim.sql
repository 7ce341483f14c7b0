-- flush-claim: locks the session row a flush batch writes to, until the batch commits, so that
-- flushers of one session (and a delete or cleanup of it) queue instead of racing. The row must
-- be the incarnation the entries were queued for: write-behind creates a session's row in
-- PostgreSQL before Redis takes its first message (write-behind-store.ts load), and every entry
-- carries that row's created_at. No row (deleted, erased, reclaimed) or another created_at (deleted and
-- created again, or restarted after it expired) means the entries are of an incarnation that is
-- gone: the caller discards them rather than bring it back. Compared at millisecond precision,
-- the precision Redis was given it in. UPDATE (not SELECT FOR UPDATE) takes the lock because the
-- statement also inserts a named agent (agents row for the foreign key) in a CTE.
--   $1 user_id, $2 session_id, $3 agent_id (null: none named), $4 incarnation created at
--   (epoch us, as Redis holds it).
-- Returns the row's last_seq before the batch; no row: discard the entries.
WITH new_agent AS (
  INSERT INTO {{schema}}.agents (agent_id)
  SELECT $3::text WHERE $3::text IS NOT NULL
  ON CONFLICT DO NOTHING
)
UPDATE {{schema}}.sessions AS s
   SET user_id = s.user_id
 WHERE s.user_id = $1 AND s.session_id = $2
   AND floor(extract(epoch FROM s.created_at) * 1000) = floor($4::bigint / 1000.0)
RETURNING s.last_seq
