-- sketch-delete-session: clear_session's delete of the session found by sketch-find-session. The
-- database's ON DELETE CASCADE removes the messages (generous to the sketch: its ORM relationship,
-- without passive_deletes, would load and delete every message one by one first).
--   $1 id of the session row.
DELETE FROM {{schema}}.sessions WHERE id = $1
