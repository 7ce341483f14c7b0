-- put-agent: creates or replaces an agent of the shared catalogue, and registers it (listed).
--   $1 agent_id, $2 name, $3 model, $4 settings (JSON).
INSERT INTO {{schema}}.agents AS a (agent_id, name, model, settings, registered)
VALUES ($1, $2, $3, $4::text::jsonb, true)
ON CONFLICT (agent_id) DO UPDATE
   SET name = excluded.name, model = excluded.model, settings = excluded.settings,
       registered = true, updated_at = now()
RETURNING a.agent_id, a.name, a.model, a.settings, a.created_at, a.updated_at
