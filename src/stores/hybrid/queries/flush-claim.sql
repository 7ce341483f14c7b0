-- flush-claim: the session row a flush batch writes to, created when missing (with its user and
-- agent) and locked until the batch commits, so that flushers of one session queue instead of
-- racing. ON CONFLICT DO UPDATE is what takes the lock on an existing row. A new row's times are
-- Redis's (the session's creation), not now(): now() is the batch's start, shared by every
-- session in it, and would scramble the activity order. The users and agents
-- rows come from CTEs: foreign keys are checked at the end of the statement, after them.
--   $1 user_id, $2 session_id, $3 agent_id (null: none named), $4 session created at (epoch us)
WITH new_user AS (
  INSERT INTO {{schema}}.users (user_id) VALUES ($1) ON CONFLICT DO NOTHING
),
new_agent AS (
  INSERT INTO {{schema}}.agents (agent_id)
  SELECT $3::text WHERE $3::text IS NOT NULL
  ON CONFLICT DO NOTHING
)
INSERT INTO {{schema}}.sessions AS s (user_id, session_id, created_at, updated_at)
VALUES ($1, $2, to_timestamp($4::double precision / 1000000),
        to_timestamp($4::double precision / 1000000))
ON CONFLICT (user_id, session_id) DO UPDATE SET user_id = s.user_id
RETURNING s.last_seq
