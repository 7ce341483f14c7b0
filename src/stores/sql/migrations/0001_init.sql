-- 0001_init: users, agents, sessions and messages.
--
-- {{schema}} is replaced by the store's schema name, validated and quoted; nothing else is ever
-- interpolated. Every key leads with user_id so that one user's data stays together, and so that
-- a distributed PostgreSQL (Citus) can shard sessions and messages by owner.
--
-- Fixes over the design sketch: PostgreSQL syntax (no inline INDEX), sessions unique per
-- (user, session id) instead of globally, and messages ordered by a per-session seq instead of
-- created_at, which ties.

CREATE TABLE {{schema}}.users (
  user_id    text        PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.agents (
  agent_id   text        PRIMARY KEY,
  name       text,
  model      text,
  settings   jsonb       NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.sessions (
  user_id       text        NOT NULL REFERENCES {{schema}}.users ON DELETE CASCADE,
  session_id    text        NOT NULL,
  agent_id      text        REFERENCES {{schema}}.agents ON DELETE SET NULL,
  title         text,
  metadata      jsonb       NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  -- Sliding expiry; NULL never expires. Readers treat a past expires_at as "does not exist".
  expires_at    timestamptz,
  -- Highest seq handed out; the next message gets last_seq + 1 under this row's lock.
  last_seq      bigint      NOT NULL DEFAULT 0,
  -- Messages kept. Kept messages are always seq (last_seq - message_count, last_seq].
  message_count integer     NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, session_id)
);

-- listSessions: a user's sessions by last activity, scanned backwards from a keyset cursor.
CREATE INDEX sessions_by_activity ON {{schema}}.sessions (user_id, updated_at, session_id);

-- cleanupExpired: the oldest expiries first, never a scan of sessions that cannot expire.
CREATE INDEX sessions_by_expiry ON {{schema}}.sessions (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE {{schema}}.messages (
  user_id    text        NOT NULL,
  session_id text        NOT NULL,
  seq        bigint      NOT NULL,
  message_id text        NOT NULL,
  role       text        NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
  content    text        NOT NULL,
  metadata   jsonb       NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  -- History reads ("last N", cursors) are one range scan of this key.
  PRIMARY KEY (user_id, session_id, seq),
  -- The idempotency key: a retried append finds its message here.
  UNIQUE (user_id, session_id, message_id),
  FOREIGN KEY (user_id, session_id) REFERENCES {{schema}}.sessions ON DELETE CASCADE
);

-- claim_session: the locked session row an append or a create works on. Creates the user and the
-- session when missing; an expired session that cleanup has not reclaimed yet is already gone for
-- readers, so it is reset here (its messages deleted) and starts again from seq 1.
CREATE FUNCTION {{schema}}.claim_session(
  p_user_id text,
  p_session_id text,
  OUT claimed {{schema}}.sessions,
  OUT is_new boolean
) LANGUAGE plpgsql AS $$
BEGIN
  is_new := false;
  SELECT * INTO claimed FROM {{schema}}.sessions
   WHERE user_id = p_user_id AND session_id = p_session_id
     FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO {{schema}}.users (user_id) VALUES (p_user_id) ON CONFLICT DO NOTHING;
    INSERT INTO {{schema}}.sessions (user_id, session_id) VALUES (p_user_id, p_session_id)
      ON CONFLICT DO NOTHING
      RETURNING * INTO claimed;
    IF FOUND THEN
      is_new := true;
      RETURN;
    END IF;
    -- A concurrent call created it first: wait for its lock like any other writer.
    SELECT * INTO claimed FROM {{schema}}.sessions
     WHERE user_id = p_user_id AND session_id = p_session_id
       FOR UPDATE;
  END IF;
  IF claimed.expires_at <= now() THEN
    DELETE FROM {{schema}}.messages WHERE user_id = p_user_id AND session_id = p_session_id;
    UPDATE {{schema}}.sessions
       SET agent_id = NULL, title = NULL, metadata = '{}', created_at = now(),
           updated_at = now(), expires_at = NULL, last_seq = 0, message_count = 0
     WHERE user_id = p_user_id AND session_id = p_session_id
    RETURNING * INTO claimed;
    is_new := true;
  END IF;
END;
$$;

-- append_messages: the whole append in one call, so one round trip. The statements after the
-- session row is locked each run with a fresh snapshot, which is what makes the messageId check
-- exact: a concurrent retry of the same message has committed (and is seen) or waits behind us.
-- A single CTE statement could not see such a retry and would burn a seq.
--   p_messages: JSON array of {messageId, role, content, metadata}, in order.
--   Returns {"session": {...}, "inserted": n, "messages": [...]} in input order. A message this
--   call stored comes back as {seq, messageId, createdAt} (the caller has the rest, and content
--   can be large); a retried one as the whole stored row with "retry": true.
CREATE FUNCTION {{schema}}.append_messages(
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
  added integer;
  result_messages jsonb;
BEGIN
  IF p_agent_id IS NOT NULL THEN
    INSERT INTO {{schema}}.agents (agent_id) VALUES (p_agent_id) ON CONFLICT DO NOTHING;
  END IF;

  -- The common case, a live session: lock it. Otherwise create or reset it (claim_session).
  SELECT * INTO s FROM {{schema}}.sessions
   WHERE user_id = p_user_id AND session_id = p_session_id
     FOR UPDATE;
  IF NOT FOUND OR s.expires_at <= now() THEN
    SELECT * INTO claim FROM {{schema}}.claim_session(p_user_id, p_session_id);
    s := claim.claimed;
  END IF;

  -- Retries: one probe of the (user, session, message_id) index per message. LIMIT 1 keeps the
  -- lateral join a nested loop, where a plain join lets the planner (short of statistics) hash
  -- the whole session instead.
  WITH input AS (
    SELECT m.ord, m.value, m.value->>'messageId' AS message_id
      FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS m(value, ord)
  ),
  stored AS (
    SELECT i.message_id, x.json
      FROM input i
     CROSS JOIN LATERAL (
           SELECT jsonb_build_object('seq', x.seq, 'messageId', x.message_id, 'role', x.role,
                                     'content', x.content, 'metadata', x.metadata,
                                     'createdAt', x.created_at, 'retry', true) AS json
             FROM {{schema}}.messages x
            WHERE x.user_id = p_user_id AND x.session_id = p_session_id
              AND x.message_id = i.message_id
            LIMIT 1
           ) x
  ),
  numbered AS (
    SELECT i.ord, i.value, i.message_id, st.json AS stored_json,
           count(*) FILTER (WHERE st.json IS NULL) OVER (ORDER BY i.ord) AS n
      FROM input i LEFT JOIN stored st USING (message_id)
  ),
  inserted AS (
    INSERT INTO {{schema}}.messages (user_id, session_id, seq, message_id, role, content, metadata)
    SELECT p_user_id, p_session_id, s.last_seq + n, message_id, value->>'role',
           value->>'content', coalesce(value->'metadata', '{}')
      FROM numbered
     WHERE stored_json IS NULL
  )
  SELECT jsonb_agg(coalesce(stored_json, jsonb_build_object(
           'seq', s.last_seq + n, 'messageId', message_id, 'createdAt', now())) ORDER BY ord),
         count(*) FILTER (WHERE stored_json IS NULL)
    INTO result_messages, added
    FROM numbered;

  -- Trim to the newest p_max_history: a bounded range delete of exactly the overflow, starting
  -- at the oldest kept seq so that it never walks over what earlier trims removed.
  IF p_max_history IS NOT NULL AND s.message_count + added > p_max_history THEN
    DELETE FROM {{schema}}.messages
     WHERE user_id = p_user_id AND session_id = p_session_id
       AND seq > s.last_seq - s.message_count
       AND seq <= s.last_seq + added - p_max_history;
  END IF;

  UPDATE {{schema}}.sessions
     SET last_seq = s.last_seq + added,
         message_count = CASE
           WHEN p_max_history IS NULL THEN s.message_count + added
           ELSE least(s.message_count + added, p_max_history) END,
         agent_id = coalesce(p_agent_id, agent_id),
         updated_at = now(),
         expires_at = now() + make_interval(secs => p_ttl_seconds)
   WHERE user_id = p_user_id AND session_id = p_session_id
  RETURNING * INTO s;

  RETURN jsonb_build_object(
    'session', {{schema}}.session_json(s), 'messages', result_messages, 'inserted', added);
END;
$$;

-- create_session: NULL when the user already has a live session with that id.
CREATE FUNCTION {{schema}}.create_session(
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
  IF p_agent_id IS NOT NULL THEN
    INSERT INTO {{schema}}.agents (agent_id) VALUES (p_agent_id) ON CONFLICT DO NOTHING;
  END IF;
  SELECT * INTO claim FROM {{schema}}.claim_session(p_user_id, p_session_id);
  s := claim.claimed;
  IF NOT claim.is_new THEN
    RETURN NULL;
  END IF;
  UPDATE {{schema}}.sessions
     SET agent_id = p_agent_id, title = p_title, metadata = coalesce(p_metadata, '{}'),
         updated_at = now(), expires_at = now() + make_interval(secs => p_ttl_seconds)
   WHERE user_id = p_user_id AND session_id = p_session_id
  RETURNING * INTO s;
  RETURN {{schema}}.session_json(s);
END;
$$;

-- session_json: the one shape a session leaves the database in (camelCase, as the API names it).
CREATE FUNCTION {{schema}}.session_json(s {{schema}}.sessions) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'userId', s.user_id, 'sessionId', s.session_id, 'agentId', s.agent_id, 'title', s.title,
    'metadata', s.metadata, 'createdAt', s.created_at, 'updatedAt', s.updated_at,
    'expiresAt', s.expires_at, 'lastSeq', s.last_seq, 'messageCount', s.message_count)
$$;
