-- list-agents: the whole catalogue, by id.
SELECT agent_id, name, model, settings, created_at, updated_at
  FROM {{schema}}.agents
 ORDER BY agent_id
