-- append: the whole append as one statement, one round trip: the common case.
--   $1 user_id, $2 session_id, $3 agent_id (null keeps the session's), $4 ttl seconds (null:
--   never expires), $5 max history (null: unlimited), $6 messages as a JSON array of
--   {messageId, role, content, metadata}, in order.
-- Returns one row: session (null when this path must not be used, see below), messages in
-- input order (as append_messages returns them), inserted (how many this call stored).
--
-- Why it is shaped so: the session row's lock (taken by the upsert) orders appends and hands out
-- seq. Retries are recognised by messageId against this statement's snapshot, which was taken
-- before the lock; that is only exact if nobody wrote the session in between. So the upsert
-- updates only if the locked row is still the one the snapshot saw (same last_seq and
-- created_at) and still live, and fills a new row only if the snapshot saw none. Otherwise (a
-- concurrent writer got there first, a concurrent create, a session deleted or reclaimed since
-- the snapshot, an expired session to reset) it writes no message and returns a null session,
-- and the caller runs append-locked, which re-reads after the lock. Batches larger than max history
-- also go there, because rows inserted by a statement are invisible to its own trim.
WITH seen AS (
  SELECT last_seq, message_count, created_at
    FROM {{schema}}.sessions
   WHERE user_id = $1 AND session_id = $2
),
input AS (
  SELECT m.ord, m.value, m.value->>'messageId' AS message_id
    FROM jsonb_array_elements($6::text::jsonb) WITH ORDINALITY AS m(value, ord)
),
-- One probe of the (user, session, message_id) index per message: LIMIT 1 keeps the lateral
-- join a nested loop, where a plain join lets the planner (short of statistics) hash the whole
-- session instead.
stored AS (
  SELECT i.message_id, x.json
    FROM input i
   CROSS JOIN LATERAL (
         SELECT jsonb_build_object('seq', x.seq, 'messageId', x.message_id, 'role', x.role,
                                   'content', x.content, 'metadata', x.metadata,
                                   'createdAt', x.created_at, 'retry', true) AS json
           FROM {{schema}}.messages x
          WHERE x.user_id = $1 AND x.session_id = $2 AND x.message_id = i.message_id
          LIMIT 1
         ) x
),
numbered AS (
  SELECT i.ord, i.value, i.message_id, st.json AS stored_json,
         count(*) FILTER (WHERE st.json IS NULL) OVER (ORDER BY i.ord) AS n
    FROM input i LEFT JOIN stored st USING (message_id)
),
fresh AS (
  SELECT count(*) FILTER (WHERE stored_json IS NULL)::integer AS k FROM numbered
),
owner AS (
  INSERT INTO {{schema}}.users (user_id) VALUES ($1) ON CONFLICT DO NOTHING
),
agent AS (
  INSERT INTO {{schema}}.agents (agent_id)
  SELECT $3::text WHERE $3::text IS NOT NULL
  ON CONFLICT DO NOTHING
),
locked AS (
  INSERT INTO {{schema}}.sessions AS s
         (user_id, session_id, agent_id, last_seq, message_count, expires_at)
  -- A new row is only ours to fill if the snapshot saw no session: if it saw one that has gone
  -- since (deleted, or reclaimed by cleanup), its retries check was against that old session,
  -- so the row starts empty and the caller falls back.
  SELECT $1, $2, $3, k, k, now() + make_interval(secs => $4::integer)
    FROM (SELECT CASE WHEN EXISTS (SELECT 1 FROM seen) THEN 0 ELSE k END AS k FROM fresh) f
  ON CONFLICT (user_id, session_id) DO UPDATE
     SET last_seq = s.last_seq + (SELECT k FROM fresh),
         message_count = CASE
           WHEN $5::integer IS NULL THEN s.message_count + (SELECT k FROM fresh)
           ELSE least(s.message_count + (SELECT k FROM fresh), $5::integer) END,
         agent_id = coalesce(excluded.agent_id, s.agent_id),
         updated_at = now(),
         expires_at = excluded.expires_at
   WHERE (s.last_seq, s.created_at) = (SELECT last_seq, created_at FROM seen)
     AND (s.expires_at IS NULL OR s.expires_at > now())
  RETURNING s.*
),
-- The session this statement may write to: the one its snapshot saw, or a new one where it saw
-- none. Empty otherwise, and then nothing below writes.
current AS (
  SELECT l.* FROM locked l
   WHERE NOT EXISTS (SELECT 1 FROM seen)
      OR l.created_at = (SELECT created_at FROM seen)
),
inserted AS (
  INSERT INTO {{schema}}.messages (user_id, session_id, seq, message_id, role, content, metadata)
  SELECT $1, $2, l.last_seq - f.k + nb.n, nb.message_id, nb.value->>'role',
         nb.value->>'content', coalesce(nb.value->'metadata', '{}')
    FROM numbered nb, current l, fresh f
   WHERE nb.stored_json IS NULL
),
-- Trim to the newest $5: exactly the overflow, from the oldest kept seq up, so it never walks
-- over what earlier trims removed. The bounds are scalar subqueries so that they are index
-- conditions on the primary key; as a join they were a filter over the whole window.
trimmed AS (
  DELETE FROM {{schema}}.messages x
   WHERE x.user_id = $1 AND x.session_id = $2
     AND $5::integer IS NOT NULL
     AND x.seq > (SELECT last_seq - message_count FROM seen)
     AND x.seq <= (SELECT last_seq FROM current) - $5::integer
)
SELECT CASE WHEN l.user_id IS NOT NULL THEN {{schema}}.session_json(l) END AS session,
       (SELECT jsonb_agg(coalesce(nb.stored_json, jsonb_build_object(
                 'seq', l.last_seq - f.k + nb.n, 'messageId', nb.message_id,
                 'createdAt', now())) ORDER BY nb.ord)
          FROM numbered nb) AS messages,
       f.k AS inserted
  FROM fresh f
  LEFT JOIN current l ON true
