#!/bin/sh
# Run once by the postgres image on an empty data volume (mounted into
# /docker-entrypoint-initdb.d/ by docker-compose.yml): the databases of Temporal and its
# visibility store, owned by the server's superuser (Temporal's user), and the ledger's
# database, owned by a role of its own, `ledger`, which can reach nothing else; it has the same
# password (POSTGRES_PASSWORD, one secret for the operator to keep). The Temporal schemas are
# laid by the temporal-schema service (deploy/temporal/setup-schema.sh), the ledger's by
# ledger-migrate (`db upgrade`).
#
# Only on a first start: a password changed later is changed by hand (ALTER ROLE) as well.
# Executable, so that the image runs it in a shell of its own rather than sourcing it.

: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD (see README, Production)}"

psql --set ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
    --set ledger_password="$POSTGRES_PASSWORD" <<'SQL'
CREATE DATABASE temporal;
CREATE DATABASE temporal_visibility;
CREATE ROLE ledger LOGIN PASSWORD :'ledger_password';
CREATE DATABASE ledger OWNER ledger;
REVOKE ALL ON DATABASE ledger FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE ledger TO ledger;
SQL
