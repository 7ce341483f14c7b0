-- 0007_search: full-text search over messages (SqlStore.search, GET /v1/search).
--
-- Words: a text search configuration of the store's own, `simple` (no stemming and no stop
-- words, so no language is favoured) with accents folded by unaccent: "acao" finds "ação". The
-- index is on the expression, not a stored column, so this migration rewrites no table and an
-- append pays only for the index entries.
--
-- Chinese, Japanese and Korean are written without spaces, so a whole run of them is one "word"
-- to the parser; those messages get a trigram index (pg_trgm) instead, matched by substring.
-- It is partial: only messages holding such characters pay for it. The pattern must stay
-- exactly the same in search-cjk.sql, or the planner cannot use the index.
--
-- Both indexes lead with user_id (btree_gin), so a search walks the caller's hits only, not
-- every user's. The three extensions ship with PostgreSQL (contrib) and with PGlite; on a server
-- they are trusted extensions, so the owner of the database may create them. Where they live
-- already (any schema) is looked up, not assumed.
-- Extensions belong to the database, not the schema: two schemas migrating at once would race
-- to create them (IF NOT EXISTS is not safe against a concurrent creator), so they queue here.
SELECT pg_advisory_xact_lock(hashtext('convstore:extensions'));
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TEXT SEARCH CONFIGURATION {{schema}}.search (COPY = pg_catalog.simple);

DO $$
DECLARE
  unaccent_schema text := (SELECT extnamespace::regnamespace::text
                             FROM pg_extension WHERE extname = 'unaccent');
  trgm_schema text := (SELECT extnamespace::regnamespace::text
                         FROM pg_extension WHERE extname = 'pg_trgm');
BEGIN
  -- Only word types that can carry accents go through unaccent; plain ASCII words skip it.
  EXECUTE format(
    'ALTER TEXT SEARCH CONFIGURATION {{schema}}.search
       ALTER MAPPING FOR word, hword, hword_part, numword, numhword, hword_numpart
       WITH %s.unaccent, pg_catalog.simple', unaccent_schema);
  EXECUTE format(
    'CREATE INDEX messages_search_cjk ON {{schema}}.messages
       USING gin (user_id, content %s.gin_trgm_ops)
       WHERE content ~ ''[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]''',
    trgm_schema);
END;
$$;

CREATE INDEX messages_search ON {{schema}}.messages
  USING gin (user_id, to_tsvector('{{schema}}.search'::regconfig, content));
