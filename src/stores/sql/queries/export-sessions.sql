-- export-sessions: a page of live sessions in (user_id, session_id) order, after a position: a
-- range scan of the primary key, so an export of millions of sessions reads each page in one
-- short query and a resumed copy starts where it stopped.
--   $1 user_id or null (every user), $2 session_id or null, $3/$4 the position to start after
--   (user_id, session_id) or nulls, $5 page size.
SELECT s.user_id, s.session_id, s.agent_id, s.title, s.metadata, s.created_at, s.updated_at,
       s.expires_at, s.last_seq, s.message_count
  FROM {{schema}}.sessions s
 WHERE ($1::text IS NULL OR s.user_id = $1::text)
   AND ($2::text IS NULL OR s.session_id = $2::text)
   AND ($3::text IS NULL OR (s.user_id, s.session_id) > ($3::text, $4::text))
   AND (s.expires_at IS NULL OR s.expires_at > now())
 ORDER BY s.user_id, s.session_id
 LIMIT $5
