-- langchain-load: bulk load (not timed) of PostgresChatMessageHistory's table, rows in the order
-- its getMessages() returns them (ORDER BY id).
--   $1 session_ids (text[]), $2 messages (text[] of the JSON LangChain stores).
INSERT INTO {{schema}}.langchain_chat_histories (session_id, message)
SELECT s, m::jsonb FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(s, m, n) ORDER BY n
