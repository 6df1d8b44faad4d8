#!/bin/sh
# Runs once, at the database's first start (the postgres image's init folder): the role the service
# connects as. It owns nothing and cannot bypass row-level security (src/storage/pg/roles.ts).
set -eu
psql -v ON_ERROR_STOP=1 -v app_password="$APP_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE hocvuso_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_password';
SQL
