-- sketch-load-users: bulk load (not timed) of the sketch's users, ids given.
--   $1 ids (int[]), $2 names (text[]).
INSERT INTO {{schema}}.users (id, name) SELECT * FROM unnest($1::int[], $2::text[])
