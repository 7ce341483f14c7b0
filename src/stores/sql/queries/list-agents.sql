-- list-agents: the registered agents (put-agent), by id; ids that sessions merely named are not
-- listed, so no user learns another's labels.
SELECT agent_id, name, model, settings, created_at, updated_at
  FROM {{schema}}.agents
 WHERE registered
 ORDER BY agent_id
