-- list-sessions: one page of a user's live sessions, most recent activity first, by keyset: the
-- cursor is the (updated_at, session_id) of the previous page's last row, so a page costs the
-- same however deep it is. The activity index is scanned backwards.
--   $1 user_id, $2 cursor updated_at in epoch microseconds (null: first page),
--   $3 cursor session_id, $4 page size.
SELECT {{schema}}.session_json(s) AS session,
       (extract(epoch FROM s.updated_at) * 1000000)::bigint::text AS updated_us
  FROM {{schema}}.sessions s
 WHERE s.user_id = $1
   AND (s.expires_at IS NULL OR s.expires_at > now())
   AND ($2::bigint IS NULL
        OR (s.updated_at, s.session_id) < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::text))
 ORDER BY s.updated_at DESC, s.session_id DESC
 LIMIT $4
