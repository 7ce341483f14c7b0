-- floor-read50: the read floor: 50 rows of message size by primary-key range, the same columns a
-- history read returns.
--   $1 k, $2 first seq, $3 last seq.
SELECT seq, message_id, role, content, metadata, created_at
  FROM {{schema}}.bare_read
 WHERE k = $1 AND seq BETWEEN $2 AND $3
 ORDER BY seq
