-- upsert-agents: the source's agent catalogue (convstore layout), before any session names one.
-- A re-run changes nothing; an agent the target changed after the source did keeps its version.
-- The source's catalogue holds registered agents only (putAgent), so they are registered here.
--   $1 JSON array of {agent_id, name, model, settings, created_at, updated_at}.
INSERT INTO {{schema}}.agents AS a
       (agent_id, name, model, settings, created_at, updated_at, registered)
SELECT agent_id, name, model, coalesce(settings, '{}'), coalesce(created_at, now()),
       coalesce(updated_at, now()), true
  FROM jsonb_to_recordset($1::text::jsonb) AS x(
    agent_id text, name text, model text, settings jsonb,
    created_at timestamptz, updated_at timestamptz)
ON CONFLICT (agent_id) DO UPDATE
   SET name = excluded.name, model = excluded.model, settings = excluded.settings,
       updated_at = excluded.updated_at, registered = true
 WHERE a.updated_at < excluded.updated_at
    OR NOT a.registered
