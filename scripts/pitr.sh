#!/usr/bin/env bash
# Backups and point-in-time restore for a PostgreSQL you run yourself (issue 28; docs/operations.md#backup-and-point-in-time-restore).
# A managed PostgreSQL (Azure Database for PostgreSQL, RDS) has its own point-in-time restore: use that,
# then the same steps after the restore.
#
#   scripts/pitr.sh archive-settings ARCHIVE_DIR
#       the postgresql.conf lines that copy every finished WAL segment to ARCHIVE_DIR (restart after)
#   scripts/pitr.sh backup CONNECTION_URI BACKUP_DIR
#       a base backup (pg_basebackup, tar, compressed, the WAL it needs included) into BACKUP_DIR
#   scripts/pitr.sh restore BACKUP_DIR ARCHIVE_DIR 'YYYY-MM-DD HH:MM:SS+00' NEW_DATA_DIR
#       a data directory that, when PostgreSQL starts on it, replays the archived WAL up to that moment
#       and opens (start it with pg_ctl -D NEW_DATA_DIR start, as the postgres user, with settings such as
#       max_connections at least the old server's)
#
# After a restore, before the service takes traffic: `schema check`, then `audit verify` (see the runbook).
set -euo pipefail

log() { echo "pitr.sh: $*" >&2; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$bin" ] && [ -x "$bin/pg_basebackup" ] || { log "PostgreSQL's client programs are not installed (apt-get install postgresql)"; exit 1; }

case "${1:-}" in
  archive-settings)
    archive=$(realpath -m "${2:?usage: scripts/pitr.sh archive-settings ARCHIVE_DIR}")
    cat <<CONF
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $archive/%f && cp %p $archive/%f'
archive_timeout = 60
CONF
    ;;
  backup)
    uri=${2:?usage: scripts/pitr.sh backup CONNECTION_URI BACKUP_DIR}
    out=$(realpath -m "${3:?usage: scripts/pitr.sh backup CONNECTION_URI BACKUP_DIR}")
    mkdir -p "$out"
    "$bin/pg_basebackup" -d "$uri" -D "$out" -Ft -z -X fetch --checkpoint=fast --label="npq $(date -u +%FT%TZ)"
    date -u +%FT%TZ > "$out/taken-at"
    log "base backup in $out ($(du -sh "$out" | cut -f1))"
    ;;
  restore)
    backup=$(realpath -m "${2:?usage: scripts/pitr.sh restore BACKUP_DIR ARCHIVE_DIR TIME NEW_DATA_DIR}")
    archive=$(realpath -m "${3:?}")
    target=${4:?}
    data=$(realpath -m "${5:?}")
    [ -f "$backup/base.tar.gz" ] || { log "no base.tar.gz in $backup"; exit 1; }
    [ ! -e "$data" ] || [ -z "$(ls -A "$data")" ] || { log "$data is not empty"; exit 1; }
    mkdir -p "$data"
    tar -xzf "$backup/base.tar.gz" -C "$data"
    # The WAL the backup itself needs (-X fetch put it in the backup) goes where PostgreSQL looks first.
    [ -f "$backup/pg_wal.tar.gz" ] && tar -xzf "$backup/pg_wal.tar.gz" -C "$data/pg_wal"
    cat >> "$data/postgresql.auto.conf" <<CONF
restore_command = 'cp $archive/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
CONF
    touch "$data/recovery.signal"
    chmod 0700 "$data"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$data"; fi
    log "restored $backup into $data, to replay up to $target; start PostgreSQL on it"
    ;;
  *)
    sed -n '2,15p' "$0" >&2
    exit 2
    ;;
esac
