-- 0001_service_tables: what the HTTP service needs to authenticate callers, in the store's schema
-- (it references the store's users), recorded in service_migrations, applied after the store's
-- series.
--
-- The same tables the store's 0002_service_auth created before they moved here: IF NOT EXISTS
-- adopts them, rows and all, in a database a service already used (the store's
-- 0004_service_tables_moved kept them there), and creates them anywhere else.
--
-- API keys are stored as the SHA-256 of a 256-bit random key: the key itself is shown once, at
-- creation, and a leaked table gives nobody access. A key belongs to one user and goes with them
-- (ON DELETE CASCADE), so erasing a user revokes every key at once.

CREATE TABLE IF NOT EXISTS {{schema}}.api_keys (
  key_hash   text        PRIMARY KEY,
  user_id    text        NOT NULL REFERENCES {{schema}}.users ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Revoking a user's keys (and listing them) without a scan.
CREATE INDEX IF NOT EXISTS api_keys_by_user ON {{schema}}.api_keys (user_id);

-- The hash of the admin token created on first start when CONVSTORE_ADMIN_TOKEN is unset. One row
-- at most (the CHECK pins the key), so two instances starting together cannot both create one.
CREATE TABLE IF NOT EXISTS {{schema}}.service_admin (
  id         boolean     PRIMARY KEY DEFAULT true CHECK (id),
  token_hash text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
