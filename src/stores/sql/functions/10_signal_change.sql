-- signal_change: wakes the followers of a session's drafts (the service's draft events) on every
-- instance: a NOTIFY, which PostgreSQL delivers when the transaction commits, and not at all when
-- it rolls back. The payload is an opaque hash of the schema and the session's ids (anyone on the
-- database may LISTEN; no id or content travels): src/stores/change-feed/session-change-feed.ts
-- computes the same. Drafts only: a NOTIFY serialises committing transactions, which appends
-- must not pay.
CREATE OR REPLACE FUNCTION {{schema}}.signal_change(p_user_id text, p_session_id text)
RETURNS void LANGUAGE sql AS $$
  SELECT pg_notify('convstore_changes',
    encode(sha256(convert_to('{{schema}}' || '/' || p_user_id || '/' || p_session_id, 'UTF8')),
           'hex'))
$$;
