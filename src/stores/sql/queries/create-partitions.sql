-- create-partitions: the hash partitions of a schema created with `partitions` (run by the
-- migrator right after 0001_init.sql made sessions and messages PARTITION BY HASH (user_id)).
-- sessions_p<r> and messages_p<r> hold the users whose hash leaves remainder r, so a user's
-- sessions and messages sit in partitions of the same number. The count arrives as the
-- transaction's setting convstore.partitions (set_config(..., true)): a DO block takes no
-- parameters, and nothing but the schema name is ever written into a statement's text.
DO $$
DECLARE
  n integer := current_setting('convstore.partitions')::integer;
BEGIN
  FOR r IN 0 .. n - 1 LOOP
    EXECUTE format(
      'CREATE TABLE {{schema}}.%I PARTITION OF {{schema}}.sessions
         FOR VALUES WITH (MODULUS %s, REMAINDER %s)', 'sessions_p' || r, n, r);
    EXECUTE format(
      'CREATE TABLE {{schema}}.%I PARTITION OF {{schema}}.messages
         FOR VALUES WITH (MODULUS %s, REMAINDER %s)', 'messages_p' || r, n, r);
  END LOOP;
END;
$$
