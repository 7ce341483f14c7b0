-- create_session: the new session as a row, or NULL when the user already has a live one. The
-- agent row the session names is created only when the session is: a refused create writes
-- nothing.
CREATE OR REPLACE FUNCTION {{schema}}.create_session(
  p_user_id text,
  p_session_id text,
  p_agent_id text,
  p_title text,
  p_metadata jsonb,
  p_ttl_seconds integer
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  claim record;
  s {{schema}}.sessions;
BEGIN
  SELECT * INTO claim FROM {{schema}}.claim_session(p_user_id, p_session_id);
  IF NOT claim.is_new THEN
    RETURN NULL;
  END IF;
  IF p_agent_id IS NOT NULL THEN
    INSERT INTO {{schema}}.agents (agent_id) VALUES (p_agent_id) ON CONFLICT DO NOTHING;
  END IF;
  UPDATE {{schema}}.sessions
     SET agent_id = p_agent_id, title = p_title, metadata = coalesce(p_metadata, '{}'),
         updated_at = now(), expires_at = now() + make_interval(secs => p_ttl_seconds)
   WHERE user_id = p_user_id AND session_id = p_session_id
  RETURNING * INTO s;
  RETURN {{schema}}.session_json(s);
END;
$$;

-- session_json: the one shape a session leaves the database in (camelCase, as the API names it).
CREATE OR REPLACE FUNCTION {{schema}}.session_json(s {{schema}}.sessions) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'userId', s.user_id, 'sessionId', s.session_id, 'agentId', s.agent_id, 'title', s.title,
    'metadata', s.metadata, 'createdAt', s.created_at, 'updatedAt', s.updated_at,
    'expiresAt', s.expires_at, 'lastSeq', s.last_seq, 'messageCount', s.message_count)
$$;
