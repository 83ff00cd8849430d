#!/usr/bin/env bash
# A local PostgreSQL for running and testing this service without Docker.
#
#   scripts/postgres.sh start [database...]   start (installing and initialising if needed), create the
#                                            databases, print the base connection string on the last line
#   scripts/postgres.sh status               print the base connection string if this checkout's cluster runs (exit 1 if not)
#   scripts/postgres.sh stop                 stop the local cluster
#
# The cluster lives in .data/postgres inside the repository (git-ignored) and is reused between runs.
# PostgreSQL refuses to run as root, so as root it runs as the 'postgres' user.
# Each checkout has its own cluster on its own port, so two checkouts can run side by side: a running
# cluster of this checkout is reused on whatever port it has; otherwise the port is NPQ_PG_PORT when
# set, else the one recorded in .data/postgres.port when it is free, else the first free one from 55432.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${NPQ_PG_DATA:-$repo/.data/postgres}"
port_file="$repo/.data/postgres.port"

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

# Where the cluster of this checkout lives when the repository is private to root.
fallback="/tmp/npq-postgres-$(printf '%s' "$repo" | sha256sum | cut -c1-12)"

# The folder of an existing cluster of this checkout (for status and stop).
existing_data() {
  [ -f "$data/PG_VERSION" ] || [ ! -f "$fallback/PG_VERSION" ] || data="$fallback"
  [ -f "$data/PG_VERSION" ]
}

# The port a running cluster listens on (the fourth line of postmaster.pid), or nothing.
running_port() {
  local bin=$1
  as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 1
  sed -n 4p "$data/postmaster.pid" 2>/dev/null
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

choose_port() {
  if [ -n "${NPQ_PG_PORT:-}" ]; then echo "$NPQ_PG_PORT"; return; fi
  local candidate
  candidate=$(cat "$port_file" 2>/dev/null || true)
  if [[ "$candidate" =~ ^[0-9]+$ ]] && ! port_in_use "$candidate"; then echo "$candidate"; return; fi
  for candidate in $(seq 55432 55531); do
    port_in_use "$candidate" || { echo "$candidate"; return; }
  done
  log "no free port between 55432 and 55531"; exit 1
}

start() {
  local bin port
  bin=$(find_bin) || true
  if [ -z "${bin:-}" ]; then install_postgres; bin=$(find_bin); fi
  mkdir -p "$repo/.data"

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

  port=$(running_port "$bin" || true)
  if [ -z "$port" ]; then
    local extra="" attempt
    [ "${NPQ_PG_FAST:-}" = "1" ] && extra="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    # Another checkout may take the chosen port between the check and the start: try the next one.
    for attempt in 1 2 3 4 5; do
      port=$(choose_port)
      if as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $data -c max_connections=300 $extra" start >/dev/null; then
        break
      fi
      [ -z "${NPQ_PG_PORT:-}" ] && [ "$attempt" -lt 5 ] || { log "could not start PostgreSQL (see $data/server.log)"; exit 1; }
      log "port $port was taken; trying another"
      sleep 1
    done
    log "started on 127.0.0.1:$port ($data)"
  fi
  echo "$port" >"$port_file"

  for db in "$@"; do
    if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname='$db'" postgres | grep -q 1; then
      "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "create database \"$db\"" postgres
      log "created database $db"
    fi
  done

  echo "Host=127.0.0.1;Port=$port;Username=postgres"
}

status() {
  local bin port
  bin=$(find_bin) || return 1
  existing_data || return 1
  port=$(running_port "$bin") || return 1
  echo "Host=127.0.0.1;Port=$port;Username=postgres"
}

stop() {
  local bin
  bin=$(find_bin) || { log "PostgreSQL is not installed"; return 0; }
  existing_data || { log "no cluster in $data"; return 0; }
  as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 || { log "not running"; return 0; }
  as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null && log "stopped"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  status) status ;;
  stop) stop ;;
  *) echo "usage: $0 start [database...] | status | stop" >&2; exit 2 ;;
esac
