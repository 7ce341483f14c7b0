-- 0003_registered_agents: the agent catalogue lists only the agents someone registered.
--
-- Sessions name their agent by id, and the foreign key needs an agents row for every id a user
-- names; those rows used to be listed too, so one user could learn the agent labels another
-- made up, and anyone could grow the catalogue everyone reads. Rows created by a reference stay
-- (for the key) but are not registered; put-agent registers.
ALTER TABLE {{schema}}.agents ADD COLUMN registered boolean NOT NULL DEFAULT false;

-- Agents given any detail before this migration were registered on purpose.
UPDATE {{schema}}.agents
   SET registered = true
 WHERE name IS NOT NULL OR model IS NOT NULL OR settings <> '{}';
