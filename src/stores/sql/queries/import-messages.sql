-- import-messages: stores a run of exported messages with their own seq, ids and times, each
-- only when the session holds neither its seq nor its messageId (a re-run stores nothing twice),
-- and counts what it stored into the session. Columns come from the JSON by name, as in
-- import-session.sql.
--   $1 JSON array of messages (snake_case keys, user_id and session_id included),
--   $2 user_id, $3 session_id.
WITH inserted AS (
  INSERT INTO {{schema}}.messages
  SELECT (jsonb_populate_record(NULL::{{schema}}.messages, m.value)).*
    FROM jsonb_array_elements($1::text::jsonb) AS m(value)
      ON CONFLICT DO NOTHING
  RETURNING 1
)
UPDATE {{schema}}.sessions
   SET message_count = message_count + (SELECT count(*) FROM inserted)
 WHERE user_id = $2 AND session_id = $3
RETURNING (SELECT count(*) FROM inserted) AS inserted
