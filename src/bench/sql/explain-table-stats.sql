-- explain-table-stats: what the explain mode counts per append, read after the session's own
-- statistics are flushed: rows inserted and updated (and how many updates were HOT, i.e. wrote no
-- index entry) per table of the schema, with each table's index count by access method.
--   $1 schema name.
SELECT t.relname AS table_name,
       t.n_tup_ins::bigint AS inserted,
       t.n_tup_upd::bigint AS updated,
       t.n_tup_hot_upd::bigint AS hot_updated,
       count(*) FILTER (WHERE am.amname = 'btree')::integer AS btree_indexes,
       count(*) FILTER (WHERE am.amname = 'gin')::integer AS gin_indexes,
       -- A partial index takes an entry only for rows that match it: counted apart.
       count(*) FILTER (WHERE i.indpred IS NOT NULL)::integer AS partial_indexes
  FROM pg_stat_user_tables t
  LEFT JOIN pg_index i ON i.indrelid = t.relid
  LEFT JOIN pg_class c ON c.oid = i.indexrelid
  LEFT JOIN pg_am am ON am.oid = c.relam
 WHERE t.schemaname = $1
 GROUP BY t.relname, t.n_tup_ins, t.n_tup_upd, t.n_tup_hot_upd
