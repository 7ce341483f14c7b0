-- floor-load-read: bulk load (not timed) of bare_read.
--   $1 k (bigint[]), $2 seq (bigint[]), $3 message_id, $4 role, $5 content, $6 metadata (text[]).
INSERT INTO {{schema}}.bare_read (k, seq, message_id, role, content, metadata)
SELECT k, s, i, r, c, m::jsonb
  FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])
       AS t(k, s, i, r, c, m)
