-- upsert-sessions: creates (or catches up) the migrated sessions of one batch, with their users
-- and agents, in one statement. Idempotent: a re-run (or a run after a kill) finds the rows and
-- only moves last_seq forward, so it never lowers what an earlier run or a live writer stored.
-- message_count starts at 0 and insert-messages sets it to the rows the session holds, so it
-- always counts the rows (also when the source trimmed messages that an earlier run copied).
--   $1 JSON array of {user_id, session_id, agent_id, title, metadata, created_at, updated_at,
--      expires_at, last_seq}; expires_at keeps the source key's TTL (null: none).
-- The users and agents CTEs run in the same statement; the foreign keys are checked at its end,
-- when their rows exist.
WITH input AS (
  SELECT *
    FROM jsonb_to_recordset($1::text::jsonb) AS s(
      user_id text, session_id text, agent_id text, title text, metadata jsonb,
      created_at timestamptz, updated_at timestamptz, expires_at timestamptz,
      last_seq bigint)
),
new_users AS (
  INSERT INTO {{schema}}.users (user_id)
  SELECT DISTINCT user_id FROM input
  ON CONFLICT DO NOTHING
),
new_agents AS (
  INSERT INTO {{schema}}.agents (agent_id)
  SELECT DISTINCT agent_id FROM input WHERE agent_id IS NOT NULL
  ON CONFLICT DO NOTHING
)
INSERT INTO {{schema}}.sessions AS s (
  user_id, session_id, agent_id, title, metadata, created_at, updated_at, expires_at,
  last_seq, message_count)
SELECT user_id, session_id, agent_id, title, coalesce(metadata, '{}'),
       coalesce(created_at, now()), coalesce(updated_at, now()), expires_at,
       last_seq, 0
  FROM input
ON CONFLICT (user_id, session_id) DO UPDATE
   SET last_seq = greatest(s.last_seq, excluded.last_seq),
       updated_at = greatest(s.updated_at, excluded.updated_at),
       expires_at = excluded.expires_at
