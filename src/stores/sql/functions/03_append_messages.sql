-- append_messages: THE append algorithm of the SQL stores. The lone append, every request of a
-- batch, a draft's begin and a transaction's append all run it, so it is written once.
-- The session row is locked first; every statement after that takes a fresh snapshot, which is
-- what makes the messageId check exact: a concurrent retry of the same message has committed
-- (and is seen) or waits behind us.
--   p_messages: JSON array of resolved messages {messageId, role, content, metadata, data,
--   format, kind, toolCallIds, toolResultIds, status, usage, tokenCount, fingerprint, lease,
--   leaseMs}, in order.
-- Returns {"session": <row>, "inserted": n, "messages": [...]} in input order: a message this
-- call stored as {seq, created_at} (the caller has the rest, and content can be large); a
-- retried one as {"retry": <the stored row>}. A retried messageId whose fingerprint differs
-- from the stored one raises CV001 (idempotency_mismatch) and nothing is written. A pure retry
-- (every message stored) changes nothing at all: not the activity time, not the expiry.
CREATE OR REPLACE FUNCTION {{schema}}.append_messages(
  p_user_id text,
  p_session_id text,
  p_agent_id text,
  p_ttl_seconds integer,
  p_max_history integer,
  p_messages jsonb
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  claim record;
  s {{schema}}.sessions;
  is_new boolean := false;
  ids text[];
  stored jsonb;
  mismatch text;
  added integer;
  overflow integer;
BEGIN
  -- The common case, a live session: lock it. Otherwise create or reset it (claim_session).
  SELECT * INTO s FROM {{schema}}.sessions
   WHERE user_id = p_user_id AND session_id = p_session_id
     FOR UPDATE;
  IF NOT FOUND OR s.expires_at <= now() THEN
    SELECT * INTO claim FROM {{schema}}.claim_session(p_user_id, p_session_id);
    s := claim.claimed;
    is_new := claim.is_new;
  END IF;

  -- Retries: one probe of the (user, session, message_id) index for all the ids at once, none
  -- for a session just created; the stored rows are gathered only when there is one. (The
  -- gathering, a lateral join building JSON per message, was a fifth of the append's time on
  -- PGlite when run on every call.)
  ids := ARRAY(SELECT value->>'messageId' FROM jsonb_array_elements(p_messages));
  IF NOT is_new AND EXISTS (SELECT 1 FROM {{schema}}.messages x
                             WHERE x.user_id = p_user_id AND x.session_id = p_session_id
                               AND x.message_id = ANY (ids)) THEN
    -- LIMIT 1 keeps the lateral join a nested loop, where a plain join lets the planner (short
    -- of statistics) hash the whole session instead.
    SELECT jsonb_object_agg(i.value->>'messageId', to_jsonb(x)),
           min(i.value->>'messageId') FILTER (
             WHERE x.fingerprint IS NOT NULL AND x.fingerprint <> i.value->>'fingerprint')
      INTO stored, mismatch
      FROM jsonb_array_elements(p_messages) AS i(value)
     CROSS JOIN LATERAL (
           SELECT * FROM {{schema}}.messages x
            WHERE x.user_id = p_user_id AND x.session_id = p_session_id
              AND x.message_id = i.value->>'messageId'
            LIMIT 1
           ) x;
    IF mismatch IS NOT NULL THEN
      RAISE EXCEPTION 'a retried messageId carries other fields than the stored message'
        USING ERRCODE = 'CV001';
    END IF;
  END IF;
  stored := coalesce(stored, '{}');

  added := cardinality(ids) - (SELECT count(*) FROM jsonb_object_keys(stored));
  IF added = 0 AND NOT is_new THEN
    RETURN jsonb_build_object('session', to_jsonb(s), 'inserted', 0, 'messages',
      (SELECT jsonb_agg(jsonb_build_object('retry', stored->(v->>'messageId')) ORDER BY ord)
         FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS m(v, ord)));
  END IF;

  -- The agent row exists already when the session names it.
  IF p_agent_id IS NOT NULL AND p_agent_id IS DISTINCT FROM s.agent_id THEN
    INSERT INTO {{schema}}.agents (agent_id) VALUES (p_agent_id) ON CONFLICT DO NOTHING;
  END IF;

  -- Each message is read out of the JSON once, as a typed record (jsonb_to_recordset), where
  -- taking each field with ->> walked the JSON per field: the append statement 0.95 -> 0.88 ms.
  INSERT INTO {{schema}}.messages
  -- @include message-insert-columns
  SELECT p_user_id, p_session_id, s.last_seq + row_number() OVER (ORDER BY ordinality),
  -- @include message-insert-values
    FROM ROWS FROM (jsonb_to_recordset(p_messages) AS (
  -- @include message-record-columns
         )) WITH ORDINALITY
   WHERE NOT stored ? "messageId";

  -- Which message opened each tool call (pair-aligned windows); most appends open none.
  IF jsonb_path_exists(p_messages, '$[*].toolCallIds[0]') THEN
    INSERT INTO {{schema}}.tool_calls (user_id, session_id, call_id, seq)
    SELECT p_user_id, p_session_id, c, x.seq
      FROM {{schema}}.messages x, unnest(x.tool_call_ids) AS c
     WHERE x.user_id = p_user_id AND x.session_id = p_session_id AND x.seq > s.last_seq
    ON CONFLICT DO NOTHING;
  END IF;

  -- Trim to the newest p_max_history: the oldest overflow, found by walking the primary key
  -- from the session's first message (seqs may have gaps where messages were removed). The seqs
  -- are taken first and deleted by key: written as `seq <= (the overflow-th seq)`, the planner
  -- (a generic plan, few statistics) walked the session on its message_id index instead and
  -- read every message of it: the append 1.70 -> 1.10 ms through the store.
  overflow := s.message_count + added - coalesce(p_max_history, 2147483647);
  IF overflow > 0 THEN
    DELETE FROM {{schema}}.messages
     WHERE user_id = p_user_id AND session_id = p_session_id
       AND seq = ANY (ARRAY(SELECT seq FROM {{schema}}.messages
                             WHERE user_id = p_user_id AND session_id = p_session_id
                             ORDER BY seq LIMIT overflow));
  END IF;

  UPDATE {{schema}}.sessions
     SET last_seq = s.last_seq + added,
         message_count = s.message_count + added - greatest(overflow, 0),
         agent_id = coalesce(p_agent_id, agent_id),
         updated_at = now(),
         expires_at = now() + make_interval(secs => p_ttl_seconds)
   WHERE user_id = p_user_id AND session_id = p_session_id
  RETURNING * INTO s;

  -- New messages take seqs in input order, so without retries an answer is its position.
  IF stored = '{}' THEN
    RETURN jsonb_build_object('session', to_jsonb(s), 'inserted', added, 'messages',
      (SELECT jsonb_agg(jsonb_build_object('seq', s.last_seq - added + ord, 'created_at', now())
                        ORDER BY ord)
         FROM generate_series(1, added) AS ord));
  END IF;
  RETURN jsonb_build_object('session', to_jsonb(s), 'inserted', added, 'messages',
    (SELECT jsonb_agg(answer ORDER BY ord) FROM (
       SELECT ord, CASE WHEN stored ? (v->>'messageId')
                        THEN jsonb_build_object('retry', stored->(v->>'messageId'))
                        ELSE jsonb_build_object('seq', s.last_seq - added + count(*) FILTER (
                               WHERE NOT stored ? (v->>'messageId')) OVER (ORDER BY ord),
                             'created_at', now()) END AS answer
         FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS m(v, ord)) answers));
END;
$$;
