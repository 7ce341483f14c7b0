-- 0002_service_auth: what the HTTP service needs to authenticate callers.
--
-- API keys are stored as the SHA-256 of a 256-bit random key: the key itself is shown once, at
-- creation, and a leaked table gives nobody access. A key belongs to one user and goes with them
-- (ON DELETE CASCADE), so erasing a user revokes every key at once.

CREATE TABLE {{schema}}.api_keys (
  key_hash   text        PRIMARY KEY,
  user_id    text        NOT NULL REFERENCES {{schema}}.users ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Revoking a user's keys (and listing them) without a scan.
CREATE INDEX api_keys_by_user ON {{schema}}.api_keys (user_id);

-- The hash of the admin token created on first start when CONVSTORE_ADMIN_TOKEN is unset. One row
-- at most (the CHECK pins the key), so two instances starting together cannot both create one.
CREATE TABLE {{schema}}.service_admin (
  id         boolean     PRIMARY KEY DEFAULT true CHECK (id),
  token_hash text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
