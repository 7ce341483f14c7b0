-- import-messages: stores a run of exported messages with their own seq, ids and times, each
-- only when the session holds neither its seq nor its messageId (a re-run stores nothing twice),
-- records the tool calls they open (as an append does, for pair-aligned windows), and counts
-- what it stored into the session, and marks the rolled-up hours it stored messages into dirty
-- (usage_dirty_hours: read live, then rolled up again by the next roll-up). Columns come from the JSON by name (import-rows.ts).
--   $1 JSON array of message rows (snake_case keys, user_id and session_id included),
--   $2 user_id, $3 session_id.
WITH inserted AS (
  INSERT INTO {{schema}}.messages
  SELECT (jsonb_populate_record(NULL::{{schema}}.messages, m.value)).*
    FROM jsonb_array_elements($1::text::jsonb) AS m(value)
      ON CONFLICT DO NOTHING
  RETURNING seq, tool_call_ids, created_at
),
calls AS (
  INSERT INTO {{schema}}.tool_calls (user_id, session_id, call_id, seq)
  SELECT $2, $3, c, seq FROM inserted, unnest(tool_call_ids) AS c
      ON CONFLICT DO NOTHING
),
-- @include usage-dirty-inserted
UPDATE {{schema}}.sessions
   SET message_count = message_count + (SELECT count(*) FROM inserted)
 WHERE user_id = $2 AND session_id = $3
RETURNING (SELECT count(*) FROM inserted) AS inserted
