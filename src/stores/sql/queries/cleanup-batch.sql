-- cleanup-batch: reclaims up to $1 expired sessions (their messages go by cascade) in one short
-- transaction. SKIP LOCKED steps around sessions an append holds; FOR UPDATE re-checks expires_at
-- on the newest row version, so a session whose expiry a concurrent write just moved is kept.
-- The victims are deleted by their physical row id (stable while we hold their locks): a TID
-- scan, where a join back on the key can turn into a scan of the whole table. A row id is unique
-- within one table only: in a partitioned schema each partition has its own (0,1), so a victim
-- is its partition (tableoid) and row id together, matched as a pair.
--   $1 batch size.
WITH victims AS MATERIALIZED (
  SELECT tableoid, ctid
    FROM {{schema}}.sessions
   WHERE expires_at <= now()
   ORDER BY expires_at
   LIMIT $1
     FOR UPDATE SKIP LOCKED
),
gone AS (
  DELETE FROM {{schema}}.sessions
   WHERE ctid = ANY (ARRAY(SELECT ctid FROM victims))
     AND (tableoid, ctid) IN (SELECT tableoid, ctid FROM victims)
  RETURNING message_count
)
SELECT count(*)::integer AS sessions, coalesce(sum(message_count), 0)::integer AS messages
  FROM gone
