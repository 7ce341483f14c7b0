-- 0006_retention_policy: the retention policy a deployment runs with, kept in its database.
--
-- The TTL, the history limit and the cache window decide what is trimmed and when a session
-- expires. The service writes them here at every start (and `convstore db migrate` as a deploy
-- step); a standalone flusher (`convstore flush`) and a cron cleanup read them from here instead
-- of taking their own, so they can never trim or expire differently from the service. One row.
-- (Numbered 0006: 0004 and 0005 are taken by work merged alongside.)
CREATE TABLE {{schema}}.retention_policy (
  singleton    boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
  -- Sliding session TTL in seconds; NULL: sessions never expire.
  ttl_seconds  integer     CHECK (ttl_seconds > 0),
  -- Messages kept per session; NULL: all.
  max_history  integer     CHECK (max_history > 0),
  -- Hybrid: messages of a session kept in Redis; NULL: the default (max_history, or 200).
  cache_window integer     CHECK (cache_window > 0),
  -- Who wrote it last: `serve` or `db migrate`.
  written_by   text        NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
