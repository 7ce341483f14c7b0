-- flush-insert: writes messages that Redis already numbered, idempotently: a messageId already
-- stored is skipped (a redelivered stream entry changes nothing), a message goes in at its own
-- seq when that seq is free, and only if another message holds that seq (PostgreSQL was written
-- directly while Redis was unreachable) is it renumbered after the last one, so that nothing
-- acknowledged is ever dropped. Runs after flush-claim has locked the session row, so this
-- statement's snapshot sees every committed message of the session.
--   $1 user_id, $2 session_id,
--   $3 messages: JSON array of {seq, messageId, createdAt (epoch ms), and the fields of a
--      resolved message: role, content, metadata, data, ... fingerprint}
--   $4 agent_id (null keeps the session's), $5 updated at (epoch us), $6 expires at (epoch us;
--   null never expires).
-- A flush that comes after the usage roll-up passed its messages' times (the flusher was down)
-- marks their hours dirty, so reports count them.
-- A message skipped because its messageId is stored already under another seq (a retry older
-- than the cached window, which Redis numbered again) still moves last_seq past the seq Redis
-- gave it, so that the session's next messages keep their own seqs; the caller drops the cached
-- window, which showed it twice.
-- Returns how many messages had to be renumbered, how many were skipped (including those of a
-- redelivered entry), and the lowest seq inserted (null: none), which bounds flush-trim.
WITH input AS (
  SELECT m.*, m."messageId" AS message_id, m.ordinality AS ord
    FROM ROWS FROM (jsonb_to_recordset($3::text::jsonb) AS (
  -- @include message-record-columns
         , seq bigint)) WITH ORDINALITY AS m
),
fresh AS (
  SELECT i.*
    FROM input i
   WHERE NOT EXISTS (SELECT 1 FROM {{schema}}.messages x
                      WHERE x.user_id = $1 AND x.session_id = $2 AND x.message_id = i.message_id)
),
at_own_seq AS (
  SELECT DISTINCT ON (f.seq) f.*
    FROM fresh f
   WHERE NOT EXISTS (SELECT 1 FROM {{schema}}.messages x
                      WHERE x.user_id = $1 AND x.session_id = $2 AND x.seq = f.seq)
   ORDER BY f.seq, f.ord
),
moved AS (
  SELECT f.*, row_number() OVER (ORDER BY f.ord) AS n
    FROM fresh f
   WHERE f.ord NOT IN (SELECT ord FROM at_own_seq)
),
base AS (
  SELECT greatest(s.last_seq, (SELECT max(seq) FROM input)) AS last_seq
    FROM {{schema}}.sessions s
   WHERE s.user_id = $1 AND s.session_id = $2
),
inserted AS (
  INSERT INTO {{schema}}.messages
  -- @include message-insert-columns
  SELECT $1, $2, seq,
  -- @include message-insert-values
    FROM at_own_seq
  UNION ALL
  SELECT $1, $2, (SELECT last_seq FROM base) + n,
  -- @include message-insert-values
    FROM moved
  ON CONFLICT DO NOTHING
  RETURNING seq, tool_call_ids, created_at
),
calls AS (
  INSERT INTO {{schema}}.tool_calls (user_id, session_id, call_id, seq)
  SELECT $1, $2, c, seq FROM inserted, unnest(tool_call_ids) AS c
  ON CONFLICT DO NOTHING
),
-- @include usage-dirty-inserted
UPDATE {{schema}}.sessions s
   SET last_seq = greatest(s.last_seq, coalesce((SELECT max(seq) FROM inserted), 0),
                           (SELECT max(seq) FROM input)),
       message_count = s.message_count + (SELECT count(*) FROM inserted),
       agent_id = coalesce($4::text, s.agent_id),
       updated_at = greatest(s.updated_at, to_timestamp($5::double precision / 1000000)),
       expires_at = CASE WHEN $6::bigint IS NULL THEN NULL
                         ELSE greatest(s.expires_at, to_timestamp($6::double precision / 1000000))
                    END
 WHERE s.user_id = $1 AND s.session_id = $2
RETURNING (SELECT count(*) FROM moved)::integer AS moved,
          ((SELECT count(*) FROM input) - (SELECT count(*) FROM fresh))::integer AS skipped,
          (SELECT min(seq) FROM inserted) AS first_inserted
