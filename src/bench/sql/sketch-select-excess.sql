-- sketch-select-excess: add_message's "oldest messages" over MAX_CONVERSATION_HISTORY, loaded as
-- whole rows by the ORM before it deletes them.
--   $1 session_id, $2 how many.
SELECT id, session_id, user_id, role, content, metadata, created_at
  FROM {{schema}}.messages
 WHERE session_id = $1
 ORDER BY created_at
 LIMIT $2
