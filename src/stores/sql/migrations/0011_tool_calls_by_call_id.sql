-- 0011_tool_calls_by_call_id: tool_calls_by_call led by call_id.
--
-- Deleting a message deletes its calls through the foreign key's cascade, a query PostgreSQL
-- writes and plans itself (user_id, session_id, seq equal). 0005 made two indexes of tool_calls
-- start with (user_id, session_id): the primary key and this one. Planned on a table never
-- analysed, or on one whose statistics reckon a session at one row (they treat user and session
-- as independent), the two cost the same, and the cascade took this one and filtered the
-- session's every call: each trimmed, popped or truncated message read all the calls of its
-- session, and deleting a session of n messages and m calls read n x m rows. Led by call_id, this
-- index serves only what it is for (a call id within a session, all three equal), and the
-- cascade has the primary key alone.
DROP INDEX {{schema}}.tool_calls_by_call;
CREATE INDEX tool_calls_by_call ON {{schema}}.tool_calls (call_id, user_id, session_id);
