-- The operations that change a session's stored messages after their append. Each locks the
-- live session row first (lock_live_session: CV404 when not visible), so they queue behind
-- appends and each other: concurrent pops never take the same message, and a version check and
-- its write cannot be split. When something changed, the session's counts, activity time and
-- sliding expiry move (touch_session), as on every write. Errors are raised with convstore's
-- SQLSTATEs: CV404 not found, CV002 version conflict, CV003 lease conflict.

-- locked_message: one message of a live session, after locking the session row (CV404 when
-- either is not there).
CREATE OR REPLACE FUNCTION {{schema}}.locked_message(
  p_user_id text, p_session_id text, p_message_id text
) RETURNS {{schema}}.messages LANGUAGE plpgsql AS $$
DECLARE
  m {{schema}}.messages;
BEGIN
  PERFORM {{schema}}.lock_live_session(p_user_id, p_session_id);
  SELECT * INTO m FROM {{schema}}.messages
   WHERE user_id = p_user_id AND session_id = p_session_id AND message_id = p_message_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'message not found' USING ERRCODE = 'CV404';
  END IF;
  RETURN m;
END;
$$;

-- update_message: only the fields named in p_changes change (a JSON object whose keys are
-- NewMessage's names); version + 1. Returns the stored row as JSON.
CREATE OR REPLACE FUNCTION {{schema}}.update_message(
  p_user_id text, p_session_id text, p_message_id text, p_expected_version integer,
  p_changes jsonb, p_ttl_seconds integer
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  m {{schema}}.messages;
BEGIN
  m := {{schema}}.locked_message(p_user_id, p_session_id, p_message_id);
  IF p_expected_version IS NOT NULL AND m.version <> p_expected_version THEN
    RAISE EXCEPTION 'the message has changed since that version' USING ERRCODE = 'CV002';
  END IF;
  m := {{schema}}.apply_message_changes(m, p_changes);
  PERFORM {{schema}}.touch_session(p_user_id, p_session_id, 0, p_ttl_seconds);
  RETURN to_jsonb(m);
END;
$$;

-- apply_message_changes: writes p_changes onto a stored message (see update_message), keeps the
-- tool_calls index in step with tool_call_ids, and the usage rollup with its usage.
CREATE OR REPLACE FUNCTION {{schema}}.apply_message_changes(
  m {{schema}}.messages, c jsonb
) RETURNS {{schema}}.messages LANGUAGE plpgsql AS $$
DECLARE
  u jsonb := c->'usage';
  given_usage boolean := c ? 'usage';
BEGIN
  UPDATE {{schema}}.messages x
     SET content = CASE WHEN c ? 'content' THEN c->>'content' ELSE x.content END,
         data = CASE WHEN c ? 'data' THEN c->>'data' ELSE x.data END,
         format = CASE WHEN c ? 'format' THEN c->>'format' ELSE x.format END,
         kind = CASE WHEN c ? 'kind' THEN c->>'kind' ELSE x.kind END,
         metadata = CASE WHEN c ? 'metadata' THEN c->'metadata' ELSE x.metadata END,
         tool_call_ids = CASE WHEN c ? 'toolCallIds'
           THEN ARRAY(SELECT jsonb_array_elements_text(c->'toolCallIds')) ELSE x.tool_call_ids END,
         tool_result_ids = CASE WHEN c ? 'toolResultIds'
           THEN ARRAY(SELECT jsonb_array_elements_text(c->'toolResultIds'))
           ELSE x.tool_result_ids END,
         status = CASE WHEN c ? 'status' THEN c->>'status' ELSE x.status END,
         token_count = CASE WHEN c ? 'tokenCount' THEN (c->>'tokenCount')::integer
           ELSE x.token_count END,
         model = CASE WHEN given_usage THEN u->>'model' ELSE x.model END,
         provider = CASE WHEN given_usage THEN u->>'provider' ELSE x.provider END,
         input_tokens = CASE WHEN given_usage THEN (u->>'inputTokens')::bigint
           ELSE x.input_tokens END,
         output_tokens = CASE WHEN given_usage THEN (u->>'outputTokens')::bigint
           ELSE x.output_tokens END,
         total_tokens = CASE WHEN given_usage THEN (u->>'totalTokens')::bigint
           ELSE x.total_tokens END,
         reasoning_tokens = CASE WHEN given_usage THEN (u->>'reasoningTokens')::bigint
           ELSE x.reasoning_tokens END,
         cached_input_tokens = CASE WHEN given_usage THEN (u->>'cachedInputTokens')::bigint
           ELSE x.cached_input_tokens END,
         latency_ms = CASE WHEN given_usage THEN (u->>'latencyMs')::bigint ELSE x.latency_ms END,
         finish_reason = CASE WHEN given_usage THEN u->>'finishReason' ELSE x.finish_reason END,
         lease_expires_at = CASE
           WHEN c ? 'leaseRenew' THEN now() + make_interval(secs => x.lease_ms::double precision / 1000)
           WHEN c ? 'status' AND c->>'status' <> 'streaming' THEN NULL
           ELSE x.lease_expires_at END,
         version = x.version + 1,
         updated_at = now()
   -- By message_id, the unique key: an equality on all its columns is the one plan the planner
   -- never trades for a scan of the session, statistics or not (by seq, a generic plan on a table
   -- never analysed read the session's every message).
   WHERE x.user_id = m.user_id AND x.session_id = m.session_id AND x.message_id = m.message_id
  RETURNING * INTO m;
  -- Usage given after the roll-up passed the message (a draft finalized minutes after it began,
  -- a correction): its hour is marked dirty, read live and rolled up again, so reports count it.
  IF given_usage THEN
    INSERT INTO {{schema}}.usage_dirty_hours (hour)
    SELECT {{schema}}.usage_hour(m.created_at)
      FROM {{schema}}.usage_rollup_state st
     WHERE m.created_at < st.rolled_until
        ON CONFLICT DO NOTHING;
  END IF;
  IF c ? 'toolCallIds' THEN
    DELETE FROM {{schema}}.tool_calls
     WHERE user_id = m.user_id AND session_id = m.session_id AND seq = m.seq;
    INSERT INTO {{schema}}.tool_calls (user_id, session_id, call_id, seq)
    SELECT m.user_id, m.session_id, id, m.seq FROM unnest(m.tool_call_ids) AS id
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN m;
END;
$$;

-- checkpoint_message: a streaming draft's new content/data, only from the holder of its live
-- lease (CV003 otherwise); renews the lease.
CREATE OR REPLACE FUNCTION {{schema}}.checkpoint_message(
  p_user_id text, p_session_id text, p_message_id text, p_lease text, p_changes jsonb,
  p_ttl_seconds integer
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  m {{schema}}.messages;
BEGIN
  m := {{schema}}.locked_message(p_user_id, p_session_id, p_message_id);
  IF m.status <> 'streaming' OR m.lease_token IS DISTINCT FROM p_lease
     OR m.lease_expires_at <= now() THEN
    RAISE EXCEPTION 'the draft is not streaming under this lease' USING ERRCODE = 'CV003';
  END IF;
  m := {{schema}}.apply_message_changes(m, p_changes || '{"leaseRenew": true}');
  PERFORM {{schema}}.touch_session(p_user_id, p_session_id, 0, p_ttl_seconds);
  PERFORM {{schema}}.signal_change(p_user_id, p_session_id);
  RETURN to_jsonb(m);
END;
$$;

-- finalize_message: ends a draft as complete, aborted or error. Idempotent: a draft already
-- final with that status is returned unchanged. A draft whose lease ran out reads as aborted,
-- so only 'aborted' may still finalize it. A lease, when given, must be the draft's.
CREATE OR REPLACE FUNCTION {{schema}}.finalize_message(
  p_user_id text, p_session_id text, p_message_id text, p_lease text, p_status text,
  p_changes jsonb, p_ttl_seconds integer
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  m {{schema}}.messages;
  current_status text;
BEGIN
  m := {{schema}}.locked_message(p_user_id, p_session_id, p_message_id);
  current_status := CASE WHEN m.status = 'streaming' AND m.lease_expires_at <= now()
                         THEN 'aborted' ELSE m.status END;
  IF current_status = p_status AND m.status <> 'streaming' THEN
    RETURN to_jsonb(m);
  END IF;
  IF current_status <> 'streaming' AND NOT (current_status = 'aborted' AND p_status = 'aborted') THEN
    RAISE EXCEPTION 'the draft has already ended' USING ERRCODE = 'CV003';
  END IF;
  IF p_lease IS NOT NULL AND p_lease IS DISTINCT FROM m.lease_token THEN
    RAISE EXCEPTION 'the draft is leased to another writer' USING ERRCODE = 'CV003';
  END IF;
  m := {{schema}}.apply_message_changes(m, p_changes || jsonb_build_object('status', p_status));
  PERFORM {{schema}}.touch_session(p_user_id, p_session_id, 0, p_ttl_seconds);
  PERFORM {{schema}}.signal_change(p_user_id, p_session_id);
  RETURN to_jsonb(m);
END;
$$;
