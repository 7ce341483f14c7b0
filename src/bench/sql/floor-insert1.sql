-- floor-insert1: the durable-write floor: one row, autocommitted (so it waits for its WAL flush).
--   $1 k, $2 message_id, $3 role, $4 content, $5 metadata (JSON text).
INSERT INTO {{schema}}.bare_insert (k, message_id, role, content, metadata)
VALUES ($1, $2, $3, $4, $5::text::jsonb)
