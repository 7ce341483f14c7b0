-- sketch-count-messages: add_message's count of the session's messages.
--   $1 session_id.
SELECT count(*)::int AS n FROM {{schema}}.messages WHERE session_id = $1
