-- history-window: a windowed read (aligned, budgeted, pinned, filtered), oldest first: the seqs
-- history_window() picks, walking back from the newest message, joined to their rows.
-- Visibility and empty-session rows as in history-newest.
--   $1 user_id, $2 session_id, $3 last (null with a budget alone), $4 token budget (null: none),
--   $5 align ('exact' | 'tool-pairs' | 'turn'), $6 pin system messages, $7 statuses (null: all).
SELECT w.*
  FROM {{schema}}.sessions s
  LEFT JOIN LATERAL (
        SELECT
       -- @include message-columns
          FROM {{schema}}.history_window($1, $2, $3, $4, $5, $6, $7::text[]) AS h(seq)
          JOIN {{schema}}.messages m
            ON m.user_id = s.user_id AND m.session_id = s.session_id AND m.seq = h.seq
       ) w ON true
 WHERE s.user_id = $1 AND s.session_id = $2
   AND (s.expires_at IS NULL OR s.expires_at > now())
 ORDER BY w.seq
