-- 0004_service_tables_moved: the HTTP service's tables (api_keys, service_admin, created by
-- 0002_service_auth) moved to the service's own migration series (src/service/auth/migrations,
-- recorded in service_migrations), so that a library user's database holds only the store.
--
-- 0002 stays as it shipped (applied migrations are never edited), so every database has had
-- the two tables. They are dropped here only when that loses nothing: no service has recorded
-- its series yet, and both are empty. A database a service has used keeps them, rows and all,
-- and the service's series adopts them (its 0001 creates what is missing, IF NOT EXISTS). The
-- migrator's advisory lock keeps the service's series from running at the same time; the table
-- locks keep an older service instance from writing a row between the check and the drop.
DO $$
BEGIN
  IF to_regclass('{{schema}}.service_migrations') IS NOT NULL THEN
    RETURN;
  END IF;
  LOCK TABLE {{schema}}.api_keys, {{schema}}.service_admin IN ACCESS EXCLUSIVE MODE;
  IF NOT EXISTS (SELECT FROM {{schema}}.api_keys)
     AND NOT EXISTS (SELECT FROM {{schema}}.service_admin) THEN
    DROP TABLE {{schema}}.api_keys, {{schema}}.service_admin;
  END IF;
END;
$$;
