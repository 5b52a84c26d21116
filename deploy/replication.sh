#!/bin/sh
# Run once by the PostGIS image when it creates the primary's database
# (docker-entrypoint-initdb.d): let the example replica (docker-compose.yml,
# profile "replica") stream from it with the planmap user's password.
set -e
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
