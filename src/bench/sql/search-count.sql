-- search-count: how many of the user's messages a query matches (reported beside the timings,
-- not timed). The same expression as the store's index and search.sql.
--   $1 user_id, $2 query (websearch_to_tsquery syntax).
SELECT count(*) AS n
  FROM {{schema}}.messages
 WHERE user_id = $1
   AND to_tsvector('{{schema}}.search'::regconfig, content)
       @@ websearch_to_tsquery('{{schema}}.search'::regconfig, $2)
