-- history_window: the seqs of a windowed read (align 'tool-pairs' | 'turn', a token budget,
-- pinned system messages, a status filter), oldest first. It walks the session's primary key
-- back from the newest message, so it costs what the window holds, not the session.
--
-- The definition (the same as the redis store's window script and the reference the tests
-- check both against): of the visible messages (status in p_statuses, a draft whose lease ran
-- out counting as aborted), a cut before message m is safe when every tool result at or after m
-- whose call exists (a visible message at or before it opening that call id) has that call at
-- or after m, and the message just before m is not a reasoning item. Aligned reads leave out
-- results whose call does not exist. 'exact' is the newest p_last; 'tool-pairs' the newest
-- p_last extended back to the nearest safe cut; 'turn' further back to a safe cut at a user
-- message; a budget keeps the longest suffix whose token counts sum to at most it (and holds at
-- most p_last, when given) starting at a safe cut (a user message's, with 'turn'). With
-- p_pin_system the session's leading system messages come first, their tokens counted against
-- the budget, and the window is cut from what follows them.
CREATE OR REPLACE FUNCTION {{schema}}.history_window(
  p_user_id text, p_session_id text, p_last integer, p_budget bigint, p_align text,
  p_pin_system boolean, p_statuses text[]
) RETURNS SETOF bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
  r record;
  pinned bigint[] := '{}';
  floor_seq bigint := -1;
  budget bigint := p_budget;
  taken bigint[] := '{}';
  best integer := 0;
  needed text[] := '{}';
  taken_count integer := 0;
  tokens bigint := 0;
  aligned boolean := p_align <> 'exact' OR p_budget IS NOT NULL;
  have_prev boolean := false;
  stopped boolean := false;
  prev_role text;
  safe boolean;
  orphan boolean;
  id text;
BEGIN
  IF p_pin_system THEN
    FOR r IN
      SELECT m.seq, m.role, CASE WHEN m.status = 'streaming' AND m.lease_expires_at <= now()
                                 THEN 'aborted' ELSE m.status END AS status,
             coalesce(m.token_count, (octet_length(m.content) + 3) / 4) AS token_count
        FROM {{schema}}.messages m
       WHERE m.user_id = p_user_id AND m.session_id = p_session_id
       ORDER BY m.seq
    LOOP
      CONTINUE WHEN p_statuses IS NOT NULL AND NOT r.status = ANY (p_statuses);
      EXIT WHEN r.role <> 'system';
      pinned := pinned || r.seq;
      budget := budget - r.token_count;
      floor_seq := r.seq;
    END LOOP;
  END IF;

  FOR r IN
    SELECT m.seq, m.role, m.kind, m.tool_call_ids, m.tool_result_ids,
           CASE WHEN m.status = 'streaming' AND m.lease_expires_at <= now()
                THEN 'aborted' ELSE m.status END AS status,
           coalesce(m.token_count, (octet_length(m.content) + 3) / 4) AS token_count
      FROM {{schema}}.messages m
     WHERE m.user_id = p_user_id AND m.session_id = p_session_id AND m.seq > floor_seq
     ORDER BY m.seq DESC
  LOOP
    CONTINUE WHEN p_statuses IS NOT NULL AND NOT r.status = ANY (p_statuses);
    -- Is the suffix starting at the previous (newer) message a place to stop?
    IF have_prev THEN
      safe := cardinality(needed) = 0 AND r.kind <> 'reasoning'
              AND (p_align <> 'turn' OR prev_role = 'user');
      IF p_budget IS NOT NULL THEN
        IF safe THEN
          best := cardinality(taken);
        END IF;
      ELSIF taken_count >= p_last AND (safe OR NOT aligned) THEN
        stopped := true;
        EXIT;
      END IF;
    END IF;

    orphan := false;
    IF aligned AND cardinality(r.tool_result_ids) > 0 THEN
      FOREACH id IN ARRAY r.tool_result_ids LOOP
        IF NOT {{schema}}.call_is_visible(p_user_id, p_session_id, id, r.seq, p_statuses) THEN
          orphan := true;
        END IF;
      END LOOP;
    END IF;
    IF NOT orphan THEN
      IF p_budget IS NOT NULL AND (tokens + r.token_count > budget
                                   OR (p_last IS NOT NULL AND taken_count >= p_last)) THEN
        stopped := true;
        EXIT;
      END IF;
      IF aligned THEN
        FOREACH id IN ARRAY r.tool_result_ids LOOP
          IF NOT id = ANY (needed) THEN
            needed := needed || id;
          END IF;
        END LOOP;
      END IF;
      taken := taken || r.seq;
      taken_count := taken_count + 1;
      tokens := tokens + r.token_count;
    END IF;
    FOREACH id IN ARRAY r.tool_call_ids LOOP
      needed := array_remove(needed, id);
    END LOOP;
    have_prev := true;
    prev_role := r.role;
  END LOOP;

  IF p_budget IS NOT NULL THEN
    -- The walk reached the session's start (or its pinned messages): nothing before to split.
    IF NOT stopped AND have_prev AND cardinality(needed) = 0
       AND (p_align <> 'turn' OR prev_role = 'user') THEN
      best := cardinality(taken);
    END IF;
    taken := taken[1:best];
  END IF;
  RETURN QUERY SELECT x FROM unnest(pinned || taken) AS x ORDER BY 1;
END;
$$;

-- call_is_visible: whether a visible message at or before p_seq opens the call p_call_id.
CREATE OR REPLACE FUNCTION {{schema}}.call_is_visible(
  p_user_id text, p_session_id text, p_call_id text, p_seq bigint, p_statuses text[]
) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM {{schema}}.tool_calls t
      JOIN {{schema}}.messages m
        ON m.user_id = t.user_id AND m.session_id = t.session_id AND m.seq = t.seq
     WHERE t.user_id = p_user_id AND t.session_id = p_session_id AND t.call_id = p_call_id
       AND t.seq <= p_seq
       AND (p_statuses IS NULL OR
            CASE WHEN m.status = 'streaming' AND m.lease_expires_at <= now()
                 THEN 'aborted' ELSE m.status END = ANY (p_statuses)))
$$;
