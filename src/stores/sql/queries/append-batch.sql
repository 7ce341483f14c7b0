-- append-batch: the appends that queued while every pooled connection was busy, to distinct
-- sessions, as one statement: one round trip and one commit for them all (see append_batch).
--   $1 JSON array of {userId, sessionId, agentId, messages}, sessions distinct; $2 ttl seconds;
--   $3 max history.
-- Returns one row per request: req (1-based, in input order), result (as append.sql's).
SELECT req, result FROM {{schema}}.append_batch($1::text::jsonb, $2, $3) ORDER BY req
