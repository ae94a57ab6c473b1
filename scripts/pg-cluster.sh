#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `start` initialises one in a temporary folder (trust
# authentication, loopback only, a free port), starts it and prints its connection URI on stdout;
# `stop DIR_OR_URI_FILE` stops it at once (pg_ctl -m immediate) and removes the folder.
#
#   eval "$(bash scripts/pg-cluster.sh start)"   # sets CELEDGER_TEST_PG and CELEDGER_TEST_PG_DIR
#   bash scripts/pg-cluster.sh stop "$CELEDGER_TEST_PG_DIR"
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user (runuser).
set -euo pipefail

bin=""
for d in /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
  if [ -x "$d/initdb" ]; then bin="$d"; fi
done
if [ -z "$bin" ] && command -v initdb >/dev/null 2>&1; then bin="$(dirname "$(command -v initdb)")"; fi
if [ -z "$bin" ]; then
  echo "pg-cluster: no PostgreSQL server found (apt-get install postgresql)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
  dir="$(mktemp -d /tmp/celedger-pg.XXXXXX)"
  chmod 0755 "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
  # A free port: the kernel's pick for a socket bound to port 0.
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000)))"
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale C.UTF-8 >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50" >/dev/null || {
    cat "$dir/server.log" >&2
    exit 1
  }
  as_owner "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE celedger_test" >/dev/null
  echo "export CELEDGER_TEST_PG='postgresql://postgres@127.0.0.1:$port/celedger_test'"
  echo "export CELEDGER_TEST_PG_DIR='$dir'"
  ;;
stop)
  dir="${2:?pg-cluster: stop needs the folder start printed}"
  case "$dir" in /tmp/celedger-pg.*) ;; *) echo "pg-cluster: not a cluster folder: $dir" >&2; exit 1 ;; esac
  if [ -d "$dir/data" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: pg-cluster.sh start | stop DIR" >&2
  exit 2
  ;;
esac
