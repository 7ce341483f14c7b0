-- cleanup-delete (write-behind): deletes the candidates Redis showed to be neither live nor
-- waiting for the flusher, in one short transaction (their messages go by cascade). SKIP LOCKED
-- steps around a row a flusher or an append holds; FOR UPDATE re-checks, on the newest row
-- version, that it is still expired and still the incarnation that was checked (created_at), so
-- a session restarted or extended meanwhile is kept. Deleted by physical row id, as
-- cleanup-batch.sql does, to get a TID scan, paired with its partition (tableoid) because a row
-- id is unique within one table only (see cleanup-batch.sql).
--   $1 user_ids, $2 session_ids, $3 created_at of each (epoch ms, as cleanup-candidates gave it).
WITH victims AS MATERIALIZED (
  SELECT s.tableoid, s.ctid
    FROM {{schema}}.sessions s
    JOIN unnest($1::text[], $2::text[], $3::bigint[]) AS v(user_id, session_id, created_ms)
      ON s.user_id = v.user_id AND s.session_id = v.session_id
   WHERE s.expires_at <= now()
     AND floor(extract(epoch FROM s.created_at) * 1000) = v.created_ms
     FOR UPDATE OF s SKIP LOCKED
),
gone AS (
  DELETE FROM {{schema}}.sessions
   WHERE ctid = ANY (ARRAY(SELECT ctid FROM victims))
     AND (tableoid, ctid) IN (SELECT tableoid, ctid FROM victims)
  RETURNING message_count
)
SELECT count(*)::integer AS sessions, coalesce(sum(message_count), 0)::integer AS messages
  FROM gone
