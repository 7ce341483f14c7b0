-- sketch-delete-message: the ORM's DELETE of one loaded message (one statement per message).
--   $1 id.
DELETE FROM {{schema}}.messages WHERE id = $1
