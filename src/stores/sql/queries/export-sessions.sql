-- export-sessions: a page of every user's live sessions in (user_id, session_id) order, after a
-- position: a range scan of the primary key, so an export of millions of sessions reads each
-- page in one short query and a resumed copy starts where it stopped.
--   $1/$2 the position to start after (user_id, session_id; '' and '' for the start: ids are
--   never empty), $3 page size.
SELECT s.user_id, s.session_id, s.agent_id, s.title, s.metadata, s.created_at, s.updated_at,
       s.expires_at, s.last_seq, s.message_count
  FROM {{schema}}.sessions s
 WHERE (s.user_id, s.session_id) > ($1::text, $2::text)
   AND (s.expires_at IS NULL OR s.expires_at > now())
 ORDER BY s.user_id, s.session_id
 LIMIT $3
