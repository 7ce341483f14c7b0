-- find-key-owner: whose key this is; no row for an unknown (or revoked) key. A primary-key lookup.
--   $1 key hash (SHA-256 hex of the key).
SELECT user_id FROM {{schema}}.api_keys WHERE key_hash = $1
