-- append_batch: the appends that queued while every pooled connection was busy, to distinct
-- sessions, in one call: one round trip and one commit for them all (group commit in the
-- statement instead of in the WAL). Sessions are locked in key order, so two batches never
-- deadlock. One failing request fails the call, and the caller then runs each request alone.
--   p_requests: JSON array of {userId, sessionId, agentId, messages}.
-- Returns one row per request: req (1-based, in input order), result (as append_messages').
--
-- The common batch (every session live, no retried messageId) is appended set-based: one lock
-- statement, one insert (and one for the tool calls it opens), one trim, one session update and
-- one answer for the whole batch. Any other batch runs append_messages per request, exactly as
-- alone. Per request, append_messages costs about 0.5 ms of execution here (2 cores, a full
-- 50-message window, so every append trims): five PL/pgSQL statements, a function call per trim
-- and a probe per row; the set-based path costs its statements once per batch (16 requests:
-- 10.0 -> 5.8-7.0 ms).
-- The fast path runs in a subtransaction: whatever it finds it cannot do (a session missing or
-- expired, a retry caught by the insert) raises CV090, which undoes it, locks included, before
-- the loop starts afresh in key order. CV090 never leaves this function.
-- Plans: every session is found by a LATERAL probe of its primary key, and every message by a
-- walk of that key in order or by its whole key, so no plan can turn into a scan of a table,
-- with or without statistics (PGlite never gathers any).
CREATE OR REPLACE FUNCTION {{schema}}.append_batch(
  p_requests jsonb,
  p_ttl_seconds integer,
  p_max_history integer
) RETURNS TABLE (req bigint, result jsonb) LANGUAGE plpgsql AS $$
DECLARE
  r record;
  v_requests integer := jsonb_array_length(p_requests);
  -- Per request, in key order: its position, its session and what the session held.
  v_ords bigint[];
  v_users text[];
  v_sessions text[];
  v_live boolean[];
  v_wanted integer[];
  v_overflow integer[];
  v_bases bigint[];
  v_added bigint;
  -- The oldest messages the trim removes: their keys.
  v_gone_users text[];
  v_gone_sessions text[];
  v_gone_seqs bigint[];
BEGIN
  BEGIN
    -- Lock every session in key order: the requests sorted, each session's row locked by the
    -- probe in turn.
    SELECT array_agg(l.ord), array_agg(l.user_id), array_agg(l.session_id), array_agg(l.live),
           array_agg(l.wanted), array_agg(l.last_seq),
           array_agg(greatest(l.message_count + l.wanted - coalesce(p_max_history, 2147483647), 0))
      INTO v_ords, v_users, v_sessions, v_live, v_wanted, v_bases, v_overflow
      FROM (SELECT g.ord, g.value->>'userId' AS user_id, g.value->>'sessionId' AS session_id,
                   jsonb_array_length(g.value->'messages') AS wanted
              FROM jsonb_array_elements(p_requests) WITH ORDINALITY AS g(value, ord)
             ORDER BY 2, 3) q
      CROSS JOIN LATERAL (
        SELECT q.ord, s.user_id, s.session_id, s.message_count, s.last_seq, q.wanted,
               (s.expires_at IS NULL OR s.expires_at > now()) AS live
          FROM {{schema}}.sessions s
         WHERE s.user_id = q.user_id AND s.session_id = q.session_id
           FOR UPDATE) l;
    IF coalesce(cardinality(v_ords), 0) < v_requests OR false = ANY (v_live) THEN
      RAISE EXCEPTION 'not a batch for the set-based append' USING ERRCODE = 'CV090';
    END IF;

    -- New messages take seq lastSeq + their position; a retried messageId is skipped by the
    -- unique index (as in append_messages), and then the exact path takes over.
    INSERT INTO {{schema}}.messages
    -- @include message-insert-columns
    SELECT b.user_id, b.session_id, b.last_seq + m.ordinality,
    -- @include message-insert-values
      FROM unnest(v_ords, v_users, v_sessions, v_bases) AS b(ord, user_id, session_id, last_seq),
           ROWS FROM (jsonb_to_recordset(p_requests->(b.ord::integer - 1)->'messages') AS (
    -- @include message-record-columns
           )) WITH ORDINALITY AS m
    ON CONFLICT (user_id, session_id, message_id) DO NOTHING;
    GET DIAGNOSTICS v_added = ROW_COUNT;
    IF v_added < (SELECT sum(w) FROM unnest(v_wanted) AS w) THEN
      RAISE EXCEPTION 'a batch with a retried message' USING ERRCODE = 'CV090';
    END IF;

    -- Which message opened each tool call (pair-aligned windows), before the trim: a message
    -- the trim removes takes its calls with it.
    IF jsonb_path_exists(p_requests, '$[*].messages[*].toolCallIds[0]') THEN
      INSERT INTO {{schema}}.tool_calls (user_id, session_id, call_id, seq)
      SELECT o.user_id, o.session_id, c, o.base + m.position
        FROM unnest(v_ords, v_users, v_sessions, v_bases) AS o(ord, user_id, session_id, base),
             jsonb_array_elements(p_requests->(o.ord::integer - 1)->'messages')
               WITH ORDINALITY AS m(v, position),
             jsonb_array_elements_text(m.v->'toolCallIds') AS c
      ON CONFLICT DO NOTHING;
    END IF;

    -- Trim each session to the newest p_max_history: its oldest overflow, found by walking
    -- the primary key from its first message, and the tool calls those open.
    IF 0 < ANY (v_overflow) THEN
      -- The victims are collected first and deleted by their whole key: joined to the
      -- sessions directly, the planner walked each session's rows and probed the victims
      -- per row (4.7 ms for 8 sessions of 51 messages against 0.1 ms).
      SELECT array_agg(o.user_id), array_agg(o.session_id), array_agg(v.seq)
        INTO v_gone_users, v_gone_sessions, v_gone_seqs
        FROM unnest(v_users, v_sessions, v_overflow) AS o(user_id, session_id, overflow)
        CROSS JOIN LATERAL (
          SELECT m.seq FROM {{schema}}.messages m
           WHERE m.user_id = o.user_id AND m.session_id = o.session_id
           ORDER BY m.seq LIMIT o.overflow) v
       WHERE o.overflow > 0;
      WITH gone AS (
        DELETE FROM {{schema}}.messages x
         USING unnest(v_gone_users, v_gone_sessions, v_gone_seqs) AS v(user_id, session_id, seq)
         WHERE x.user_id = v.user_id AND x.session_id = v.session_id AND x.seq = v.seq
        RETURNING x.user_id, x.session_id, x.seq, x.tool_call_ids
      )
      DELETE FROM {{schema}}.tool_calls t
       USING gone g
       WHERE cardinality(g.tool_call_ids) > 0
         AND t.user_id = g.user_id AND t.session_id = g.session_id AND t.seq = g.seq;
    END IF;

    -- The agent rows exist before a session names them (in key order: two batches naming the
    -- same new agents wait for each other instead of deadlocking).
    INSERT INTO {{schema}}.agents (agent_id)
    SELECT DISTINCT value->>'agentId' FROM jsonb_array_elements(p_requests)
     WHERE value->>'agentId' IS NOT NULL
     ORDER BY 1
    ON CONFLICT DO NOTHING;

    RETURN QUERY
    WITH updated AS (
      UPDATE {{schema}}.sessions s
         SET last_seq = s.last_seq + u.wanted,
             message_count = s.message_count + u.wanted - u.overflow,
             agent_id = coalesce(p_requests->(u.ord::integer - 1)->>'agentId', s.agent_id),
             updated_at = now(),
             expires_at = now() + make_interval(secs => p_ttl_seconds)
        FROM unnest(v_ords, v_users, v_sessions, v_wanted, v_overflow)
               AS u(ord, user_id, session_id, wanted, overflow)
       WHERE s.user_id = u.user_id AND s.session_id = u.session_id
      RETURNING u.ord, u.wanted, s.last_seq, to_jsonb(s) AS session
    )
    SELECT d.ord, jsonb_build_object('session', d.session, 'inserted', d.wanted, 'messages',
             (SELECT jsonb_agg(jsonb_build_object('seq', d.last_seq - d.wanted + i,
                                                  'created_at', now()) ORDER BY i)
                FROM generate_series(1, d.wanted) AS i))
      FROM updated d;
    RETURN;
  EXCEPTION WHEN SQLSTATE 'CV090' THEN
    NULL; -- undone; the exact path below
  END;

  FOR r IN
    SELECT ord, value FROM jsonb_array_elements(p_requests) WITH ORDINALITY AS q(value, ord)
     ORDER BY value->>'userId', value->>'sessionId'
  LOOP
    req := r.ord;
    result := {{schema}}.append_messages(
      r.value->>'userId', r.value->>'sessionId', r.value->>'agentId', p_ttl_seconds,
      p_max_history, r.value->'messages');
    RETURN NEXT;
  END LOOP;
END;
$$;
