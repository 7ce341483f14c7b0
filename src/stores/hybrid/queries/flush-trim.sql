-- flush-trim: keeps the newest $3 messages of a session after a flush, as append_messages does
-- for the SQL stores (maxHistory), and keeps message_count exact. The range is bounded below, as
-- append_messages bounds its own, so the delete never walks the index entries that earlier trims
-- left dead: everything at or below ($4 - $3) went at the previous trim, except what this batch
-- inserted (late entries go in at their own, possibly low, seq), hence the least() with $5. The
-- tool calls of the trimmed messages go with them.
--   $1 user_id, $2 session_id, $3 max history, $4 last_seq before this batch (flush-claim),
--   $5 lowest seq this batch inserted (flush-insert; null: none).
WITH gone AS (
  DELETE FROM {{schema}}.messages m
   USING {{schema}}.sessions s
   WHERE s.user_id = $1 AND s.session_id = $2
     AND m.user_id = $1 AND m.session_id = $2
     AND m.seq <= s.last_seq - $3::integer
     AND m.seq > least($4::bigint - $3::integer, coalesce($5::bigint, $4::bigint + 1) - 1)
  RETURNING m.seq, m.tool_call_ids
),
-- Tool calls follow the session, not the message (0012): the trimmed messages' go here.
calls AS (
  DELETE FROM {{schema}}.tool_calls t
   USING gone g
   WHERE t.user_id = $1 AND t.session_id = $2 AND t.seq = g.seq
     AND cardinality(g.tool_call_ids) > 0
)
UPDATE {{schema}}.sessions
   SET message_count = message_count - (SELECT count(*) FROM gone)
 WHERE user_id = $1 AND session_id = $2
