#!/usr/bin/env bash
# Throwaway PostgreSQL for tests, on 127.0.0.1 only, data under /tmp.
#   tools/postgres.sh start   install Debian's postgresql if missing, start the cluster, create role+db,
#                             print the connection string (idempotent: a running cluster is reused)
#   tools/postgres.sh stop    stop the cluster and delete its data
#   tools/postgres.sh status
# Use it:  export LIKENESS_TEST_POSTGRES="$(tools/postgres.sh start)"; dotnet test tests/Likeness.Server.Tests
set -euo pipefail
PORT="${LIKENESS_PG_PORT:-54329}"
DIR="${LIKENESS_PG_DIR:-/tmp/likeness-pg}"
VERB="${1:-start}"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

ensure_installed() {
  if [ -z "$(pg_bin)" ]; then
    echo "Installing postgresql from Debian packages..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    # The package may start its default cluster; this script uses its own, so stop that one.
    pg_lsclusters --no-header 2>/dev/null | awk '$4=="online"{print $1, $2}' | while read -r v c; do pg_ctlcluster "$v" "$c" stop >&2 || true; done
  fi
}

# PostgreSQL refuses to run as root: run its tools as the postgres user when we are root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

running() { [ -f "$DIR/PG_VERSION" ] && as_pg "$(pg_bin)/pg_ctl" -D "$DIR" status >/dev/null 2>&1; }

psql_admin() { as_pg "$(pg_bin)/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq "$@"; }

case "$VERB" in
  start)
    ensure_installed
    BIN="$(pg_bin)"
    if [ ! -f "$DIR/PG_VERSION" ]; then
      mkdir -p "$DIR"
      [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
      chmod 700 "$DIR"
      as_pg "$BIN/initdb" -D "$DIR" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    if ! running; then
      as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=200" start >/dev/null
    fi
    [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'likeness'")" = 1 ] ||
      psql_admin -c "CREATE ROLE likeness LOGIN CREATEDB PASSWORD 'likeness'"
    [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'likeness'")" = 1 ] ||
      psql_admin -c "CREATE DATABASE likeness OWNER likeness"
    echo "Host=127.0.0.1;Port=$PORT;Database=likeness;Username=likeness;Password=likeness"
    ;;
  stop)
    if running; then as_pg "$(pg_bin)/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null; fi
    rm -rf "$DIR"
    echo "stopped" >&2
    ;;
  status)
    if running; then echo "running on 127.0.0.1:$PORT (data $DIR)"; else echo "not running"; exit 1; fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
