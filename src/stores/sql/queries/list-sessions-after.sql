-- list-sessions-after: the page after a keyset cursor, the (updated_at, session_id) of the
-- previous page's last row, so a page costs the same however deep it is. The row comparison is
-- an index condition of the activity index, scanned backwards (hence a statement of its own,
-- rather than an "or the cursor is null" that no index can use).
--   $1 user_id, $2 cursor updated_at in epoch microseconds, $3 cursor session_id, $4 page size.
SELECT s.user_id, s.session_id, s.agent_id, s.title, s.metadata, s.created_at, s.updated_at,
       s.expires_at, s.last_seq, s.message_count,
       (extract(epoch FROM s.updated_at) * 1000000)::bigint::text AS updated_us
  FROM {{schema}}.sessions s
 WHERE s.user_id = $1
   AND (s.updated_at, s.session_id)
       < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::text)
   AND (s.expires_at IS NULL OR s.expires_at > now())
 ORDER BY s.updated_at DESC, s.session_id DESC
 LIMIT $4
