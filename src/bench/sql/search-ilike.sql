-- search-ilike: the plain scan search replaces: the user's messages holding a substring, newest
-- first, one page. Nothing indexes the pattern, so PostgreSQL reads every message of the user
-- (through the primary key) and tests each one.
--   $1 user_id, $2 ILIKE pattern, $3 page size.
SELECT session_id, seq, message_id, role, created_at, left(content, 200) AS snippet
  FROM {{schema}}.messages
 WHERE user_id = $1 AND content ILIKE $2
 ORDER BY created_at DESC, session_id, seq
 LIMIT $3
