-- get-session: a live session of this user; no row when missing, expired or someone else's.
--   $1 user_id, $2 session_id.
SELECT {{schema}}.session_json(s) AS session
  FROM {{schema}}.sessions s
 WHERE s.user_id = $1 AND s.session_id = $2
   AND (s.expires_at IS NULL OR s.expires_at > now())
