-- sketch-load-messages: bulk load (not timed) of the sketch's messages, created_at increasing in
-- the given order so that its created_at ordering is the intended one.
--   $1 session_ids, $2 user_ids, $3 roles, $4 contents, $5 metadata (text[] of JSON).
INSERT INTO {{schema}}.messages (session_id, user_id, role, content, metadata, created_at)
SELECT s, u, r, c, m::jsonb, now() - interval '1 hour' + n * interval '1 microsecond'
  FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[])
       WITH ORDINALITY AS t(s, u, r, c, m, n)
