-- schema-partitions: the layout a schema was created with, read from the catalogue (the truth,
-- whatever wrote it): the number of partitions of messages, 0 when it is a plain table.
--   $1 the quoted schema-qualified name of the messages table ("schema".messages).
SELECT count(i.inhrelid)::integer AS partitions
  FROM pg_class c
  LEFT JOIN pg_inherits i ON i.inhparent = c.oid
 WHERE c.oid = to_regclass($1) AND c.relkind = 'p'
