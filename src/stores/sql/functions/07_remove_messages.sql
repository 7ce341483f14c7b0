-- The operations that remove messages and keep the session. Seqs are never reused: last_seq
-- stays, and the next append continues after it, so a gap marks what was removed.

-- remove_messages: deletes the messages of the locked live session that p_which selects and
-- returns them (newest first), with the session's counters moved.
--   p_kind 'after' (seq > p_seq), 'newest' (the one newest), 'all', 'ids' (message_id in p_ids).
CREATE OR REPLACE FUNCTION {{schema}}.remove_messages(
  p_user_id text, p_session_id text, p_kind text, p_seq bigint, p_ids text[],
  p_ttl_seconds integer
) RETURNS SETOF {{schema}}.messages LANGUAGE plpgsql AS $$
DECLARE
  removed integer;
BEGIN
  PERFORM {{schema}}.lock_live_session(p_user_id, p_session_id);
  RETURN QUERY
    DELETE FROM {{schema}}.messages x
     WHERE x.user_id = p_user_id AND x.session_id = p_session_id
       AND CASE p_kind
             WHEN 'after' THEN x.seq > p_seq
             WHEN 'all' THEN true
             WHEN 'ids' THEN x.message_id = ANY (p_ids)
             WHEN 'newest' THEN x.seq = (
               SELECT max(y.seq) FROM {{schema}}.messages y
                WHERE y.user_id = p_user_id AND y.session_id = p_session_id)
           END
    RETURNING x.*;
  GET DIAGNOSTICS removed = ROW_COUNT;
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
