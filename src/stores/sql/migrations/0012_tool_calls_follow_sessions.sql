-- 0012_tool_calls_follow_sessions: a tool call row belongs to its session, not to its message.
--
-- 0005 made tool_calls reference messages (ON DELETE CASCADE), so PostgreSQL deleted a message's
-- calls with a foreign-key trigger that runs once per deleted message, calls or not: deleting a
-- session of 50 messages ran it 50 times, 0.25 of the delete's 0.41 ms of execution. Referencing
-- the session instead, a session delete (and cleanup, and erasing a user) removes its calls with
-- one cascade query, and the statements that delete single messages (delete_messages_at, the
-- whole-session removal, an expired session's reset, write-behind's trim, migrate-redis's reset)
-- delete the calls of the messages they remove themselves, only for messages that open calls.
-- The new constraint is added NOT VALID (no scan under the lock) and validated after, which only
-- reads: every existing row's message, and so its session, exists. (Dropped first if present,
-- so that a schema whose migration records were rolled back can run it again.)
DO $$
DECLARE
  old_name text := (SELECT conname FROM pg_constraint
                     WHERE conrelid = '{{schema}}.tool_calls'::regclass AND contype = 'f'
                       AND confrelid = '{{schema}}.messages'::regclass);
BEGIN
  IF old_name IS NOT NULL THEN
    EXECUTE format('ALTER TABLE {{schema}}.tool_calls DROP CONSTRAINT %I', old_name);
  END IF;
END;
$$;
ALTER TABLE {{schema}}.tool_calls
  DROP CONSTRAINT IF EXISTS tool_calls_session_fkey,
  ADD CONSTRAINT tool_calls_session_fkey FOREIGN KEY (user_id, session_id)
    REFERENCES {{schema}}.sessions ON DELETE CASCADE NOT VALID;
ALTER TABLE {{schema}}.tool_calls VALIDATE CONSTRAINT tool_calls_session_fkey;
