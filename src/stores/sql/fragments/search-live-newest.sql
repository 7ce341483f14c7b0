  -- The hits (`matched`) in live sessions of user $1, numbered newest first (newness).
  SELECT h.*, row_number() OVER (ORDER BY h.created_at DESC, h.session_id, h.seq) AS newness
    FROM matched h
    JOIN {{schema}}.sessions s ON s.user_id = $1 AND s.session_id = h.session_id
   WHERE s.expires_at IS NULL OR s.expires_at > now()
