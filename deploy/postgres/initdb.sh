#!/bin/sh
# Run by the postgis image on the database's first start (mounted into
# /docker-entrypoint-initdb.d): planmap's roles, with the passwords from the
# environment (see docker-compose.yml), never from a file.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
	-v owner="$PLANMAP_DB_OWNER_PASSWORD" -v reader="$PLANMAP_DB_READER_PASSWORD" -v editor="$PLANMAP_DB_EDITOR_PASSWORD" <<'SQL'
\o /dev/null
SELECT set_config('planmap.owner_password', :'owner', false), set_config('planmap.reader_password', :'reader', false),
       set_config('planmap.editor_password', :'editor', false);
\o
\i /planmap/roles.sql
SQL
