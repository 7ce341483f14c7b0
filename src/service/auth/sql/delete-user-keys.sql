-- delete-user-keys: revokes every key of a user. Erasing the user already does it by cascade; the
-- service runs this too so that revocation never depends on which store erased the user.
--   $1 user_id.
DELETE FROM {{schema}}.api_keys WHERE user_id = $1
