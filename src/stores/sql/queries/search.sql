-- search: one page of a user's live messages matching a web-search style query, best first.
-- `matched` repeats the index expression of 0007_search.sql exactly (user_id, then the
-- tsvector) and is MATERIALIZED, so the planner cannot start from the user's sessions and read
-- every message of theirs instead (it would, short of statistics, or with a generic plan): the
-- search walks the GIN index and reads only the caller's hits. Their sessions must be live.
-- Ranking parses each message again (ts_rank needs its tsvector: 70 us a message, 5.5 s for a
-- word in 70,000 of a user's messages), so only the $9 newest live hits are ranked: they come
-- first, best first; any older hits follow newest first, unranked (their rank is computed for
-- the page only). Ordering the hits by time reads no text: cost no longer follows the hits.
-- The page is cut before ts_headline, which parses a whole message, runs on its few rows; the
-- snippet escapes the content for HTML first, so the only tags in it are the <mark>s
-- ts_headline adds (entities such as &lt; are not words in the configuration: nothing to find).
--   $1 user_id, $2 query (websearch_to_tsquery syntax), $3 session_id or null, $4 role or null,
--   $5 from (inclusive) or null, $6 to (exclusive) or null, $7 offset, $8 page size, $9 the
--   newest hits ranked.
WITH matched AS MATERIALIZED (
  SELECT m.session_id, m.seq, m.message_id, m.role, m.created_at, m.content
    FROM {{schema}}.messages m
   WHERE m.user_id = $1
     AND to_tsvector('{{schema}}.search'::regconfig, m.content)
         @@ websearch_to_tsquery('{{schema}}.search'::regconfig, $2)
     -- @include search-filters
),
live AS (
  -- @include search-live-newest
),
hits AS (
  SELECT live.*,
         CASE WHEN newness <= $9::bigint
              THEN ts_rank(to_tsvector('{{schema}}.search'::regconfig, content),
                           websearch_to_tsquery('{{schema}}.search'::regconfig, $2))
         END AS ranked
    FROM live
   ORDER BY newness > $9::bigint, ranked DESC, newness
  OFFSET $7 LIMIT $8
)
SELECT session_id, seq, message_id, role, created_at,
       coalesce(ranked, ts_rank(to_tsvector('{{schema}}.search'::regconfig, content),
                                websearch_to_tsquery('{{schema}}.search'::regconfig, $2)))
         AS rank,
       -- @include search-snippet
  FROM hits
 ORDER BY newness > $9::bigint, ranked DESC, newness
