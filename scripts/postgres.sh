#!/usr/bin/env bash
# A local PostgreSQL for running and testing this service without Docker.
#
#   scripts/postgres.sh start [database...]   start (installing and initialising if needed), create the
#                                            databases, print the base connection string on the last line
#   scripts/postgres.sh stop                 stop the local cluster
#
# The cluster lives in .data/postgres inside the repository (git-ignored) and is reused between runs.
# PostgreSQL refuses to run as root, so as root it runs as the 'postgres' user. Port: NPQ_PG_PORT (55432).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${NPQ_PG_PORT:-55432}"
data="${NPQ_PG_DATA:-$repo/.data/postgres}"

log() { printf 'postgres.sh: %s\n' "$*" >&2; }

find_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_postgres() {
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed. Install it (sudo apt-get install -y postgresql) or set ConnectionStrings__Npq / NPQ_TEST_POSTGRES."
    exit 1
  fi
  log "installing PostgreSQL from Debian's packages…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
}

start() {
  local bin
  bin=$(find_bin) || true
  if [ -z "${bin:-}" ]; then install_postgres; bin=$(find_bin); fi

  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
    mkdir -p "$data"
    chown postgres "$data"
    # The postgres user must be able to reach the data folder; fall back to /tmp when the repository is private.
    if ! runuser -u postgres -- test -w "$data"; then
      data="/tmp/npq-postgres-$(printf '%s' "$repo" | sha256sum | cut -c1-12)"
      log "the repository is not reachable by the postgres user; using $data"
      mkdir -p "$data" && chown postgres "$data"
    fi
  else
    mkdir -p "$data"
  fi

  if [ ! -f "$data/PG_VERSION" ]; then
    log "initialising a cluster in $data"
    as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi

  if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    local extra=""
    [ "${NPQ_PG_FAST:-}" = "1" ] && extra="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $data -c max_connections=300 $extra" start >/dev/null
    log "started on 127.0.0.1:$port"
  fi

  for db in "$@"; do
    if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname='$db'" postgres | grep -q 1; then
      "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "create database \"$db\"" postgres
      log "created database $db"
    fi
  done

  echo "Host=127.0.0.1;Port=$port;Username=postgres"
}

stop() {
  local bin
  bin=$(find_bin) || { log "PostgreSQL is not installed"; return 0; }
  # The same fallback as start when the repository is private to root.
  local fallback="/tmp/npq-postgres-$(printf '%s' "$repo" | sha256sum | cut -c1-12)"
  [ -f "$data/PG_VERSION" ] || [ ! -f "$fallback/PG_VERSION" ] || data="$fallback"
  [ -f "$data/PG_VERSION" ] || { log "no cluster in $data"; return 0; }
  as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null && log "stopped"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  *) echo "usage: $0 start [database...] | stop" >&2; exit 2 ;;
esac
