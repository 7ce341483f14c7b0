-- search-cjk: search.sql for a query holding Chinese, Japanese or Korean text, which the word
-- index cannot find inside a run of such characters: a message matches by its words, as in
-- search.sql, or by holding the query's CJK terms as substrings, in order (the trigram index of
-- 0007_search.sql; its partial-index pattern is repeated here exactly, so the planner uses it).
-- MATERIALIZED for the reason given in search.sql. A substring hit ranks below any word hit,
-- newest first; its snippet is the text around the first term, escaped for HTML, with every
-- term marked. As in search.sql, only the $12 newest hits are ranked, older ones follow newest
-- first.
--   $1..$8 as in search.sql; $9 the LIKE pattern (%term%term%, wildcards in terms escaped),
--   $10 a regular expression matching any term (escaped as HTML, then for the regex),
--   $11 the first term, $12 the newest hits ranked.
WITH matched AS MATERIALIZED (
  SELECT m.session_id, m.seq, m.message_id, m.role, m.created_at, m.content
    FROM {{schema}}.messages m
   WHERE m.user_id = $1
     AND (to_tsvector('{{schema}}.search'::regconfig, m.content)
            @@ websearch_to_tsquery('{{schema}}.search'::regconfig, $2)
          OR (m.content ~ '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]'
              AND m.content ILIKE $9::text))
     -- @include search-filters
),
hits AS (
  -- @include search-live-newest
),
-- The rank parses the message: for the newest hits, then for the page's older ones.
ranked AS (
  SELECT hits.*,
         CASE WHEN newness <= $12::bigint
              THEN CASE WHEN to_tsvector('{{schema}}.search'::regconfig, content)
                               @@ websearch_to_tsquery('{{schema}}.search'::regconfig, $2)
                        THEN 0.1 + ts_rank(to_tsvector('{{schema}}.search'::regconfig, content),
                                           websearch_to_tsquery('{{schema}}.search'::regconfig,
                                                                $2))
                        ELSE 0.05 END
         END AS ranked
    FROM hits
   ORDER BY newness > $12::bigint, ranked DESC, newness
  OFFSET $7 LIMIT $8
),
paged AS (
  SELECT ranked.*, w.by_word,
         coalesce(ranked,
                  CASE WHEN w.by_word
                       THEN 0.1 + ts_rank(to_tsvector('{{schema}}.search'::regconfig, content),
                                          websearch_to_tsquery('{{schema}}.search'::regconfig,
                                                               $2))
                       ELSE 0.05 END) AS rank
    FROM ranked,
         LATERAL (SELECT to_tsvector('{{schema}}.search'::regconfig, content)
                           @@ websearch_to_tsquery('{{schema}}.search'::regconfig, $2) AS by_word) w
)
SELECT session_id, seq, message_id, role, created_at, rank,
       CASE WHEN by_word
            THEN ts_headline('{{schema}}.search'::regconfig,
                             replace(replace(replace(content, '&', '&amp;'), '<', '&lt;'),
                                     '>', '&gt;'),
                             websearch_to_tsquery('{{schema}}.search'::regconfig, $2),
                             'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=12, '
                             'ShortWord=0, MaxFragments=2, FragmentDelimiter=" … "')
            ELSE regexp_replace(
                   replace(replace(replace(
                     substr(content, greatest(strpos(lower(content), lower($11::text)) - 40, 1),
                            120 + length($11::text)),
                     '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                   $10::text, '<mark>\&</mark>', 'g')
       END AS snippet
  FROM paged
 ORDER BY newness > $12::bigint, ranked DESC, newness
