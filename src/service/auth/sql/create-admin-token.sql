-- create-admin-token: stores the hash of a token created on first start, unless another instance
-- stored one first; then no row, and the caller uses the stored one and prints nothing.
--   $1 token hash (SHA-256 hex of the token).
INSERT INTO {{schema}}.service_admin (token_hash) VALUES ($1)
ON CONFLICT (id) DO NOTHING
RETURNING token_hash
