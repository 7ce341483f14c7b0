-- transact: an append, or a replacement of the session's newest messages, applied atomically
-- and at most once per operation id. The operation's row stores the hash of its body and its
-- result: the same id with the same body returns that first result (replayed) and changes
-- nothing; with another body, or when the expected suffix is not the session's newest messages
-- (in order), it raises CV004 (operation_conflict) and nothing is written.
--   p_expected: for replace_suffix, the messageIds the caller saw, oldest first (NULL for an
--   append); p_messages: what to append (the replacement).
-- Returns {"replayed": bool, "result": append_messages' answer or {"session", "messages": []}}.
CREATE OR REPLACE FUNCTION {{schema}}.transact(
  p_user_id text, p_session_id text, p_agent_id text, p_operation_id text, p_body_hash text,
  p_expected text[], p_messages jsonb, p_ttl_seconds integer, p_max_history integer
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  s {{schema}}.sessions;
  claim record;
  op record;
  actual text[];
  k integer;
  result jsonb;
BEGIN
  -- @include lock-or-claim-session

  SELECT body_hash, o.result INTO op FROM {{schema}}.operations o
   WHERE user_id = p_user_id AND session_id = p_session_id AND operation_id = p_operation_id;
  IF FOUND THEN
    IF op.body_hash <> p_body_hash THEN
      RAISE EXCEPTION 'this operation id was used with another body' USING ERRCODE = 'CV004';
    END IF;
    RETURN jsonb_build_object('replayed', true, 'result', op.result);
  END IF;

  IF p_expected IS NOT NULL THEN
    k := cardinality(p_expected);
    SELECT coalesce(array_agg(message_id ORDER BY seq), '{}') INTO actual
      FROM (SELECT message_id, seq FROM {{schema}}.messages
             WHERE user_id = p_user_id AND session_id = p_session_id
             ORDER BY seq DESC LIMIT k + 1) newest;
    -- The newest k messages must be exactly the expected ones (one more row read tells a suffix
    -- from the whole history, which is also a suffix).
    IF actual[greatest(cardinality(actual) - k + 1, 1):] IS DISTINCT FROM p_expected
       OR cardinality(actual) < k THEN
      RAISE EXCEPTION 'the expected suffix is not the session''s newest messages'
        USING ERRCODE = 'CV004';
    END IF;
    IF k > 0 THEN
      PERFORM {{schema}}.remove_messages(p_user_id, p_session_id, 'ids', NULL, p_expected,
        p_ttl_seconds);
    END IF;
  END IF;

  IF jsonb_array_length(p_messages) > 0 THEN
    result := {{schema}}.append_messages(p_user_id, p_session_id, p_agent_id, p_ttl_seconds,
      p_max_history, p_messages);
  ELSE
    SELECT * INTO s FROM {{schema}}.touch_session(p_user_id, p_session_id, 0, p_ttl_seconds);
    result := jsonb_build_object('session', to_jsonb(s), 'inserted', 0, 'messages', '[]'::jsonb);
  END IF;
  INSERT INTO {{schema}}.operations (user_id, session_id, operation_id, body_hash, result)
  VALUES (p_user_id, p_session_id, p_operation_id, p_body_hash, result);
  RETURN jsonb_build_object('replayed', false, 'result', result);
END;
$$;
