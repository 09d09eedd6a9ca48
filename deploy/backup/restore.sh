#!/bin/sh
# Puts databases back from a backup written by backup.sh, checked first: every file against
# SHA256SUMS, then each named database dropped and recreated from its dump (owners and grants
# as they were). Stop every service that uses them first (docs/OPERATIONS.md, "Backup and
# restore": the ledger first — it is the record —, then Temporal's two, or none of Temporal's
# and `intersessional engine recover`).
#
#   restore.sh BACKUP_DIR DATABASE...     e.g. restore.sh /backups/20270301T060000Z ledger
#
# Where the server is: libpq's own variables (PGHOST, PGPORT, PGUSER, PGPASSWORD), a superuser.
set -eu

if [ "$#" -lt 2 ]; then
    echo "restore: usage: restore.sh BACKUP_DIR DATABASE... (the databases to put back)" >&2
    exit 2
fi
backup="$1"
shift
if [ ! -f "$backup/SHA256SUMS" ]; then
    echo "restore: $backup holds no SHA256SUMS: not a complete backup of backup.sh" >&2
    exit 2
fi
for database in "$@"; do
    if [ ! -f "$backup/$database.dump" ]; then
        echo "restore: $backup holds no dump of $database; nothing was restored" >&2
        exit 2
    fi
done
if ! (cd "$backup" && sha256sum --check --quiet SHA256SUMS); then
    echo "restore: a file of $backup does not match SHA256SUMS; nothing was restored" >&2
    exit 1
fi
for database in "$@"; do
    # --create with --clean: the database itself dropped and made again, as it was dumped
    pg_restore --clean --if-exists --create --exit-on-error --dbname postgres \
        "$backup/$database.dump"
    echo "restore: $database restored from $backup"
done
