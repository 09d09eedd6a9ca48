#!/bin/sh
# The temporal-schema service (temporalio/admin-tools, once per `docker compose up`): lays
# Temporal's schema in its two PostgreSQL databases, created empty by
# deploy/postgres/10-create-databases.sh, and brings an existing schema up to the version of the
# admin-tools image, which is pinned to the server's. Both steps are idempotent, as in
# Temporal's own auto-setup image: `setup-schema -v 0.0` only creates the schema-version table,
# `update-schema` applies the versioned scripts not yet applied.
set -eu

: "${POSTGRES_SEEDS:?}" "${DB_PORT:?}" "${POSTGRES_USER:?}" "${DBNAME:?}" "${VISIBILITY_DBNAME:?}"
# temporal-sql-tool reads the password from SQL_PASSWORD: not on the command line
SQL_PASSWORD="${POSTGRES_PWD:?}"
export SQL_PASSWORD
SCHEMA=/etc/temporal/schema/postgresql/v12

sql_tool() {
    temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" \
        -u "$POSTGRES_USER" "$@"
}

sql_tool --db "$DBNAME" setup-schema -v 0.0
sql_tool --db "$DBNAME" update-schema -d "$SCHEMA/temporal/versioned"
sql_tool --db "$VISIBILITY_DBNAME" setup-schema -v 0.0
sql_tool --db "$VISIBILITY_DBNAME" update-schema -d "$SCHEMA/visibility/versioned"
echo "temporal-schema: $DBNAME and $VISIBILITY_DBNAME are at the schema of this admin-tools image"
