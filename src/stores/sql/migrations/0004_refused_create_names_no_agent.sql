-- 0004_refused_create_names_no_agent: create_session inserted the named agent's row before it
-- knew whether the session could be created, so a create answered 409 (the user already has a
-- live session with that id) still wrote an agents row. A refused request must write nothing.
--
-- The only change to 0001's create_session: the agents insert moves after the is_new check. The
-- row must still exist before the UPDATE that sets sessions.agent_id (the foreign key). Stored
-- functions are to leave the migrations later; until then, this replaces the function in place.
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
  s := claim.claimed;
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
