-- search-rank-all: search.sql as it was before it ranked only the newest hits (every live hit
-- ranked, then the page), timed beside the store's search by --search for the before/after
-- of the same run. Parameters as search.sql's first eight.
WITH matched AS MATERIALIZED (
  SELECT m.session_id, m.seq, m.message_id, m.role, m.created_at, m.content
    FROM {{schema}}.messages m
   WHERE m.user_id = $1
     AND to_tsvector('{{schema}}.search'::regconfig, m.content)
         @@ websearch_to_tsquery('{{schema}}.search'::regconfig, $2)
     -- @include search-filters
),
hits AS (
  SELECT h.*,
         ts_rank(to_tsvector('{{schema}}.search'::regconfig, h.content),
                 websearch_to_tsquery('{{schema}}.search'::regconfig, $2)) AS rank
    FROM matched h
    JOIN {{schema}}.sessions s ON s.user_id = $1 AND s.session_id = h.session_id
   WHERE s.expires_at IS NULL OR s.expires_at > now()
   ORDER BY rank DESC, h.created_at DESC, h.session_id, h.seq
  OFFSET $7 LIMIT $8
)
SELECT session_id, seq, message_id, role, created_at, rank,
       -- @include search-snippet
  FROM hits
 ORDER BY rank DESC, created_at DESC, session_id, seq
