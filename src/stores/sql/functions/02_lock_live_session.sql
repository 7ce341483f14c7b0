-- lock_live_session: the session row, locked, for an operation on an existing session's
-- messages. Raises CV404 (NotFoundError) when it is missing, expired or someone else's.
CREATE OR REPLACE FUNCTION {{schema}}.lock_live_session(p_user_id text, p_session_id text)
RETURNS {{schema}}.sessions LANGUAGE plpgsql AS $$
DECLARE
  s {{schema}}.sessions;
BEGIN
  SELECT * INTO s FROM {{schema}}.sessions
   WHERE user_id = p_user_id AND session_id = p_session_id
     AND (expires_at IS NULL OR expires_at > now())
     FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'session not found' USING ERRCODE = 'CV404';
  END IF;
  RETURN s;
END;
$$;

-- touch_session: after a change to a session's messages: counts, activity and the sliding
-- expiry, as every write moves them.
CREATE OR REPLACE FUNCTION {{schema}}.touch_session(
  p_user_id text, p_session_id text, p_removed integer, p_ttl_seconds integer
) RETURNS {{schema}}.sessions LANGUAGE sql AS $$
  UPDATE {{schema}}.sessions
     SET message_count = message_count - p_removed, updated_at = now(),
         expires_at = now() + make_interval(secs => p_ttl_seconds)
   WHERE user_id = p_user_id AND session_id = p_session_id
  RETURNING *
$$;
