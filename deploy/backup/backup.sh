#!/bin/sh
# The backup service of docker-compose.yml (the postgres image, whose pg_dump is the server's
# version): every BACKUP_INTERVAL_HOURS, one pg_dump of each of BACKUP_DATABASES — Temporal's
# two first, the ledger last, so that a restored set never holds a Temporal newer than the
# ledger — and a copy of the document store, into BACKUP_DIR/<UTC time>/, with SHA256SUMS;
# the newest BACKUP_KEEP are kept. A backup is written into .partial-<time>/ and renamed when
# complete: a directory named by its time is a whole backup. Restore: restore.sh beside it,
# step by step in docs/OPERATIONS.md, "Backup and restore".
#
#   backup.sh once    one backup now (exit 0 when written)
#   backup.sh loop    one now, then one every BACKUP_INTERVAL_HOURS, for ever (the service)
#   backup.sh check   exit 0 if the newest backup is younger than two intervals (the health
#                     check), 1 otherwise
#
# Where the databases are: libpq's own variables (PGHOST, PGPORT, PGUSER, PGPASSWORD).
set -eu

: "${BACKUP_DIR:?set BACKUP_DIR, the directory the backups go to}"
interval_hours="${BACKUP_INTERVAL_HOURS:-6}"
keep="${BACKUP_KEEP:-28}"
databases="${BACKUP_DATABASES:-temporal temporal_visibility ledger}"
documents="${BACKUP_DOCUMENTS_DIR:-}"

case "$interval_hours" in '' | *[!0-9]* | 0)
    echo "backup: BACKUP_INTERVAL_HOURS must be a whole number of hours, 1 or more (got" \
        "'$interval_hours')" >&2
    exit 2 ;;
esac
case "$keep" in '' | *[!0-9]* | 0)
    echo "backup: BACKUP_KEEP must be a whole number, 1 or more (got '$keep')" >&2
    exit 2 ;;
esac

# the backups, oldest first: directories named by their time, 20260101T000000Z
backups() {
    find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*T[0-9]*Z' | sort
}

once() {
    mkdir -p "$BACKUP_DIR"
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    partial="$BACKUP_DIR/.partial-$stamp"
    final="$BACKUP_DIR/$stamp"
    rm -rf "$partial"
    mkdir "$partial"
    for database in $databases; do
        # the custom format: compressed, restored with pg_restore, owners and grants kept
        pg_dump --format=custom --file "$partial/$database.dump" --dbname "$database"
    done
    if [ -n "$documents" ] && [ -d "$documents" ]; then
        tar -C "$documents" -czf "$partial/documents.tar.gz" .
    fi
    {
        echo "taken_at=$stamp"
        echo "databases=$databases"
        echo "server=$(psql --no-psqlrc --tuples-only --no-align --dbname postgres \
            --command 'SHOW server_version')"
    } > "$partial/BACKUP"
    (cd "$partial" && sha256sum -- * > SHA256SUMS)
    mv "$partial" "$final"
    echo "backup: $final written ($databases${documents:+ and the documents})"
    # the newest $keep kept; a partial left by a backup cut short is removed too
    count=$(backups | wc -l)
    if [ "$count" -gt "$keep" ]; then
        backups | head -n "$((count - keep))" | while read -r old; do
            rm -rf "$old"
            echo "backup: $old removed (BACKUP_KEEP=$keep)"
        done
    fi
    find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -name '.partial-*' ! -name ".partial-$stamp" \
        -exec rm -rf {} +
}

check() {
    newest=$(backups | tail -n 1)
    if [ -z "$newest" ]; then
        echo "backup: no backup in $BACKUP_DIR yet" >&2
        exit 1
    fi
    # fresh: written less than two intervals ago (one missed run is tolerated)
    if [ -z "$(find "$newest" -maxdepth 0 -mmin "-$((interval_hours * 120))")" ]; then
        echo "backup: the newest backup, $newest, is older than $((interval_hours * 2)) hours" >&2
        exit 1
    fi
    echo "backup: $newest is fresh"
}

case "${1:-once}" in
    once) once ;;
    check) check ;;
    loop)
        while :; do
            # a failed backup is said and tried again at the next interval; the health
            # check turns unhealthy when none has succeeded for two intervals
            once || echo "backup: this backup failed; next try in $interval_hours h" >&2
            sleep "$((interval_hours * 3600))"
        done ;;
    *)
        echo "backup: usage: backup.sh once|loop|check" >&2
        exit 2 ;;
esac
