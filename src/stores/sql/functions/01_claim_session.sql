-- claim_session: the locked session row an append or a create works on. Creates the user and the
-- session when missing; an expired session that cleanup has not reclaimed yet is already gone for
-- readers, so it is reset here (its messages and their tool calls deleted) and starts again from
-- seq 1.
CREATE OR REPLACE FUNCTION {{schema}}.claim_session(
  p_user_id text,
  p_session_id text,
  OUT claimed {{schema}}.sessions,
  OUT is_new boolean
) LANGUAGE plpgsql AS $$
BEGIN
  is_new := false;
  SELECT * INTO claimed FROM {{schema}}.sessions
   WHERE user_id = p_user_id AND session_id = p_session_id
     FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO {{schema}}.users (user_id) VALUES (p_user_id) ON CONFLICT DO NOTHING;
    INSERT INTO {{schema}}.sessions (user_id, session_id) VALUES (p_user_id, p_session_id)
      ON CONFLICT DO NOTHING
      RETURNING * INTO claimed;
    IF FOUND THEN
      is_new := true;
      RETURN;
    END IF;
    -- A concurrent call created it first: wait for its lock like any other writer.
    SELECT * INTO claimed FROM {{schema}}.sessions
     WHERE user_id = p_user_id AND session_id = p_session_id
       FOR UPDATE;
  END IF;
  IF claimed.expires_at <= now() THEN
    PERFORM {{schema}}.forget_session_messages(p_user_id, p_session_id);
    DELETE FROM {{schema}}.operations WHERE user_id = p_user_id AND session_id = p_session_id;
    UPDATE {{schema}}.sessions
       SET agent_id = NULL, title = NULL, metadata = '{}', created_at = now(),
           updated_at = now(), expires_at = NULL, last_seq = 0, message_count = 0
     WHERE user_id = p_user_id AND session_id = p_session_id
    RETURNING * INTO claimed;
    is_new := true;
  END IF;
END;
$$;
