-- create-user-key: creates the user when missing and gives them a new API key, in one statement.
-- The key row's foreign key is checked at the end of the statement, after the CTE's insert.
--   $1 user_id, $2 key hash (SHA-256 hex of the key).
WITH person AS (
  INSERT INTO {{schema}}.users AS u (user_id) VALUES ($1)
  ON CONFLICT (user_id) DO UPDATE SET user_id = excluded.user_id
  RETURNING u.user_id, u.created_at
),
issued AS (
  INSERT INTO {{schema}}.api_keys (key_hash, user_id)
  SELECT $2, user_id FROM person
)
SELECT user_id, created_at FROM person
