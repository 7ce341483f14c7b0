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
  gap record;
  given record;
  id text;
  kept {{schema}}.messages;
  -- messageId -> the stored row, for the retried ones.
  stored jsonb := '{}';
  added integer;
  overflow integer;
BEGIN
  -- @include lock-or-claim-session

  -- Each message is read out of the JSON once, as a typed record (jsonb_to_recordset), where
  -- taking each field with ->> walked the JSON per field: the append statement 0.95 -> 0.88 ms.
  -- Retries are found by the insert itself: ON CONFLICT consults the (user, session, message_id)
  -- unique index whatever the planner thinks. A probe before it (`message_id = ANY (ids)`, then
  -- a lateral equality) was planned once per connection, often while the table was small or
  -- without statistics (PGlite never gathers any), and then read the session's, or the user's,
  -- every message on each append: 2.5 -> 7.4 ms on PGlite as the user went from 1,000 to 10,000
  -- messages. New messages take seq lastSeq + their position; a retry among them leaves a gap
  -- that is closed below.
  INSERT INTO {{schema}}.messages
  -- @include message-insert-columns
  SELECT p_user_id, p_session_id, s.last_seq + ordinality,
  -- @include message-insert-values
    FROM ROWS FROM (jsonb_to_recordset(p_messages) AS (
  -- @include message-record-columns
         )) WITH ORDINALITY
  ON CONFLICT (user_id, session_id, message_id) DO NOTHING;
  GET DIAGNOSTICS added = ROW_COUNT;

  IF added < jsonb_array_length(p_messages) THEN
    -- The retried ones: stored before this call (seq <= lastSeq), each looked up by its unique
    -- key with a plain parameter, the one form that kept to the unique index on tables never
    -- analysed (a lateral join over the ids walked the session on its primary key instead). A
    -- fingerprint that differs raises, which undoes the insert above too.
    FOR given IN SELECT value AS v FROM jsonb_array_elements(p_messages) LOOP
      id := given.v->>'messageId';
      SELECT * INTO kept FROM {{schema}}.messages
       WHERE user_id = p_user_id AND session_id = p_session_id AND message_id = id;
      CONTINUE WHEN NOT FOUND OR kept.seq > s.last_seq;
      IF kept.fingerprint IS NOT NULL AND kept.fingerprint <> given.v->>'fingerprint' THEN
        RAISE EXCEPTION 'a retried messageId carries other fields than the stored message'
          USING ERRCODE = 'CV001';
      END IF;
      stored := stored || jsonb_build_object(id, to_jsonb(kept));
    END LOOP;
    IF added = 0 THEN
      -- A pure retry: nothing was written, and nothing is (not the activity time, not the expiry).
      RETURN jsonb_build_object('session', to_jsonb(s), 'inserted', 0, 'messages',
        (SELECT jsonb_agg(jsonb_build_object('retry', stored->(v->>'messageId')) ORDER BY ord)
           FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS m(v, ord)));
    END IF;
    -- New messages numbered lastSeq+1.. in order: each moves down to its rank (ascending, so the
    -- seq it takes is free).
    FOR gap IN
      SELECT seq, row_number() OVER (ORDER BY seq) AS rank FROM {{schema}}.messages
       WHERE user_id = p_user_id AND session_id = p_session_id AND seq > s.last_seq
       ORDER BY seq
    LOOP
      IF gap.seq <> s.last_seq + gap.rank THEN
        UPDATE {{schema}}.messages SET seq = s.last_seq + gap.rank
         WHERE user_id = p_user_id AND session_id = p_session_id AND seq = gap.seq;
      END IF;
    END LOOP;
  END IF;

  -- The agent row exists already when the session names it.
  IF p_agent_id IS NOT NULL AND p_agent_id IS DISTINCT FROM s.agent_id THEN
    INSERT INTO {{schema}}.agents (agent_id) VALUES (p_agent_id) ON CONFLICT DO NOTHING;
  END IF;

  -- Which message opened each tool call (pair-aligned windows); most appends open none. Read
  -- from the call's JSON, so no plan has to find the new rows again.
  IF jsonb_path_exists(p_messages, '$[*].toolCallIds[0]') THEN
    INSERT INTO {{schema}}.tool_calls (user_id, session_id, call_id, seq)
    SELECT p_user_id, p_session_id, c, n.seq
      FROM (SELECT v, s.last_seq + row_number() OVER (ORDER BY ord) AS seq
              FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS m(v, ord)
             WHERE NOT stored ? (v->>'messageId')) n,
           jsonb_array_elements_text(n.v->'toolCallIds') AS c
    ON CONFLICT DO NOTHING;
  END IF;

  -- Trim to the newest p_max_history: the oldest overflow, found by walking the primary key
  -- from the session's first message (seqs may have gaps where messages were removed), deleted
  -- by row address (delete_messages_at says why).
  overflow := s.message_count + added - coalesce(p_max_history, 2147483647);
  IF overflow > 0 THEN
    PERFORM {{schema}}.delete_messages_at(p_user_id, p_session_id, ARRAY(
      SELECT ctid FROM {{schema}}.messages
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
