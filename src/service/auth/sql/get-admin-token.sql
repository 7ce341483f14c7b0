-- get-admin-token: the stored admin token hash; no row before the first start.
SELECT token_hash FROM {{schema}}.service_admin
