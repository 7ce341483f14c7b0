-- The operations that remove messages and keep the session. Seqs are never reused: last_seq
-- stays, and the next append continues after it, so a gap marks what was removed.

-- delete_messages_at: deletes the session's messages at these row addresses (ctid; the caller
-- holds the session's lock, so no row moves in between) and returns them, with the tool calls
-- they open. Found by an ordered walk of the primary key (or by message_id) and deleted by
-- address, one row at a time: a plan for `seq = ANY (...)`, a seq range or even the whole
-- primary key is made once per connection, often while the table is small or has no statistics
-- (PGlite never gathers any), and then it took whichever index starts with (user_id, session_id)
-- and filtered the session's rows: every trim, pop or truncate read the whole session. A single
-- row address is a TID scan whatever the statistics say. user_id and session_id keep it to the
-- session's partition. Tool calls follow the session, not the message (0012), so the calls of a
-- removed message go here, one primary-key probe per message that opens any.
CREATE OR REPLACE FUNCTION {{schema}}.delete_messages_at(
  p_user_id text, p_session_id text, p_rows tid[]
) RETURNS SETOF {{schema}}.messages LANGUAGE plpgsql AS $$
DECLARE
  victim tid;
  gone {{schema}}.messages;
BEGIN
  FOREACH victim IN ARRAY p_rows LOOP
    DELETE FROM {{schema}}.messages
     WHERE ctid = victim AND user_id = p_user_id AND session_id = p_session_id
    RETURNING * INTO gone;
    CONTINUE WHEN NOT FOUND;
    IF cardinality(gone.tool_call_ids) > 0 THEN
      DELETE FROM {{schema}}.tool_calls
       WHERE user_id = p_user_id AND session_id = p_session_id AND seq = gone.seq;
    END IF;
    RETURN NEXT gone;
  END LOOP;
END;
$$;

-- forget_session_messages: every message of the session and the tool calls they open (a
-- session removal that keeps the session: clearing it, or resetting one that expired).
CREATE OR REPLACE FUNCTION {{schema}}.forget_session_messages(
  p_user_id text, p_session_id text
) RETURNS SETOF {{schema}}.messages LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {{schema}}.tool_calls WHERE user_id = p_user_id AND session_id = p_session_id;
  RETURN QUERY
    DELETE FROM {{schema}}.messages x
     WHERE x.user_id = p_user_id AND x.session_id = p_session_id
    RETURNING x.*;
END;
$$;

-- remove_messages: deletes the messages of the locked live session that p_kind selects and
-- returns them, with the session's counters moved. The victims are found first by walking an
-- index in seq order (or by message_id), then deleted by address (see delete_messages_at); 'all'
-- takes the whole session, where reading all of it is the work anyway.
--   p_kind 'after' (seq > p_seq), 'newest' (the one newest), 'all', 'ids' (message_id in p_ids).
CREATE OR REPLACE FUNCTION {{schema}}.remove_messages(
  p_user_id text, p_session_id text, p_kind text, p_seq bigint, p_ids text[],
  p_ttl_seconds integer
) RETURNS SETOF {{schema}}.messages LANGUAGE plpgsql AS $$
DECLARE
  removed integer;
  victims tid[];
BEGIN
  PERFORM {{schema}}.lock_live_session(p_user_id, p_session_id);
  IF p_kind = 'all' THEN
    RETURN QUERY SELECT * FROM {{schema}}.forget_session_messages(p_user_id, p_session_id);
    GET DIAGNOSTICS removed = ROW_COUNT;
  ELSE
    victims := CASE p_kind
      WHEN 'after' THEN ARRAY(
        SELECT ctid FROM {{schema}}.messages
         WHERE user_id = p_user_id AND session_id = p_session_id AND seq > p_seq
         ORDER BY seq)
      WHEN 'newest' THEN ARRAY(
        SELECT ctid FROM {{schema}}.messages
         WHERE user_id = p_user_id AND session_id = p_session_id
         ORDER BY seq DESC LIMIT 1)
      WHEN 'ids' THEN ARRAY(
        SELECT x.ctid FROM unnest(p_ids) AS i(id)
         CROSS JOIN LATERAL (
               SELECT ctid FROM {{schema}}.messages
                WHERE user_id = p_user_id AND session_id = p_session_id AND message_id = i.id
                LIMIT 1) x)
    END;
    RETURN QUERY SELECT * FROM {{schema}}.delete_messages_at(p_user_id, p_session_id,
      coalesce(victims, '{}'));
    GET DIAGNOSTICS removed = ROW_COUNT;
  END IF;
  IF removed > 0 THEN
    PERFORM {{schema}}.touch_session(p_user_id, p_session_id, removed, p_ttl_seconds);
  END IF;
END;
$$;

-- truncate_point: the seq that "after this messageId" means (inclusive: the message goes too);
-- CV404 when the message is not there.
CREATE OR REPLACE FUNCTION {{schema}}.truncate_point(
  p_user_id text, p_session_id text, p_message_id text, p_inclusive boolean
) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
  cut bigint;
BEGIN
  SELECT seq INTO cut FROM {{schema}}.messages
   WHERE user_id = p_user_id AND session_id = p_session_id AND message_id = p_message_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'message not found' USING ERRCODE = 'CV404';
  END IF;
  RETURN CASE WHEN p_inclusive THEN cut - 1 ELSE cut END;
END;
$$;
