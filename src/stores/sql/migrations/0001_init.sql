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

-- append_messages: the whole append in one call, so one round trip. Each statement inside runs
-- with a fresh snapshot taken after the session row is locked, which is what makes the messageId
-- check exact: a concurrent retry of the same message has committed (and is seen) or has not
-- started. A single CTE statement could not see it and would burn a seq.
--   p_messages: JSON array of {messageId, role, content, metadata}, in order.
--   Returns {"session": {...}, "messages": [...], "inserted": n}, messages in input order; retried
--   ones are the stored originals; n counts the messages this call stored.
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
  trimmed integer := 0;
  result_messages jsonb;
BEGIN
  IF p_agent_id IS NOT NULL THEN
    INSERT INTO {{schema}}.agents (agent_id) VALUES (p_agent_id) ON CONFLICT DO NOTHING;
  END IF;
  SELECT * INTO claim FROM {{schema}}.claim_session(p_user_id, p_session_id);
  s := claim.claimed;

  WITH input AS (
    SELECT m.value->>'messageId' AS message_id, m.value, m.ord
      FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS m(value, ord)
  ),
  stored AS (
    SELECT i.ord, x.seq, x.message_id, x.role, x.content, x.metadata, x.created_at
      FROM input i
      JOIN {{schema}}.messages x
        ON x.user_id = p_user_id AND x.session_id = p_session_id AND x.message_id = i.message_id
  ),
  fresh AS (
    SELECT i.*, row_number() OVER (ORDER BY i.ord) AS n
      FROM input i
     WHERE NOT EXISTS (SELECT 1 FROM stored WHERE stored.ord = i.ord)
  ),
  inserted AS (
    INSERT INTO {{schema}}.messages (user_id, session_id, seq, message_id, role, content, metadata)
    SELECT p_user_id, p_session_id, s.last_seq + f.n, f.message_id, f.value->>'role',
           f.value->>'content', coalesce(f.value->'metadata', '{}')
      FROM fresh f
     ORDER BY f.ord
    RETURNING seq, message_id, role, content, metadata, created_at
  ),
  everything AS (
    SELECT ord, seq, message_id, role, content, metadata, created_at FROM stored
    UNION ALL
    SELECT f.ord, x.seq, x.message_id, x.role, x.content, x.metadata, x.created_at
      FROM inserted x JOIN fresh f ON f.message_id = x.message_id
  )
  SELECT coalesce(jsonb_agg(jsonb_build_object(
           'seq', seq, 'messageId', message_id, 'role', role, 'content', content,
           'metadata', metadata, 'createdAt', created_at) ORDER BY ord), '[]'),
         (SELECT count(*) FROM inserted)
    INTO result_messages, added
    FROM everything;

  -- Trim to the newest p_max_history: a bounded range delete of exactly the overflow.
  IF p_max_history IS NOT NULL AND s.message_count + added > p_max_history THEN
    DELETE FROM {{schema}}.messages
     WHERE user_id = p_user_id AND session_id = p_session_id
       AND seq > s.last_seq - s.message_count
       AND seq <= s.last_seq + added - p_max_history;
    GET DIAGNOSTICS trimmed = ROW_COUNT;
  END IF;

  UPDATE {{schema}}.sessions
     SET last_seq = s.last_seq + added,
         message_count = s.message_count + added - trimmed,
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
