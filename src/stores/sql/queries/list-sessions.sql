-- list-sessions: the first page of a user's live sessions, most recent activity first: a
-- backward scan of the activity index. Pages after it: list-sessions-after.
--   $1 user_id, $2 page size.
SELECT s.user_id, s.session_id, s.agent_id, s.title, s.metadata, s.created_at, s.updated_at,
       s.expires_at, s.last_seq, s.message_count,
       (extract(epoch FROM s.updated_at) * 1000000)::bigint::text AS updated_us
  FROM {{schema}}.sessions s
 WHERE s.user_id = $1
   AND (s.expires_at IS NULL OR s.expires_at > now())
 ORDER BY s.updated_at DESC, s.session_id DESC
 LIMIT $2
