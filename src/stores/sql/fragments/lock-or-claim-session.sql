  -- The session row to write to, locked: the common case, a live session, is locked here;
  -- otherwise claim_session creates or resets it. Needs `s` (a sessions row) and `claim`
  -- (a record) declared, and the parameters p_user_id and p_session_id.
  SELECT * INTO s FROM {{schema}}.sessions
   WHERE user_id = p_user_id AND session_id = p_session_id
     FOR UPDATE;
  IF NOT FOUND OR s.expires_at <= now() THEN
    SELECT * INTO claim FROM {{schema}}.claim_session(p_user_id, p_session_id);
    s := claim.claimed;
  END IF;
