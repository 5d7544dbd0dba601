#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the PostgreSQL tests (npm run test:postgres), printing its URL
# as the only line on stdout (everything else goes to stderr).
#
#   ensure-postgres.sh [start]   start the cluster (or reuse the one started before) and print its URL
#   ensure-postgres.sh stop      stop it (the tests restart PostgreSQL under load with stop + start)
#   ensure-postgres.sh destroy   stop it and delete its files
#
# With BRIDGE_LOGIN_TEST_PG_URL already set, `start` prints that URL and touches nothing: the tests
# then use your server (they need a role that may CREATE DATABASE).
# Debian's `postgresql` is installed with apt-get only when no PostgreSQL is found. The cluster
# lives in a temporary folder owned by the `postgres` user when run as root (initdb refuses root),
# listens on 127.0.0.1 only, on a free port, with trust authentication: a test cluster, nothing
# else connects to it. Its folder and port are kept in node_modules/.cache so later runs reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE_DIR=node_modules/.cache/bridge-login-postgres
STATE="$STATE_DIR/cluster"
say() { echo "ensure-postgres: $*" >&2; }

# The newest installed server's bin folder (Debian keeps one folder per major version).
pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n | tail -1 || true)
  if [ -z "$dir" ] && command -v pg_config >/dev/null 2>&1; then dir=$(pg_config --bindir); fi
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; fi
}

# Run a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_postgres() {
  if [ -n "$(pg_bin)" ]; then return; fi
  if [ "$(id -u)" != 0 ]; then
    say "no PostgreSQL found: install Debian's postgresql (sudo apt-get install postgresql), or set BRIDGE_LOGIN_TEST_PG_URL"
    exit 1
  fi
  say "installing Debian's postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
}

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

url_for() { echo "postgres://postgres@127.0.0.1:$1/postgres"; }

# Loads DATA and PORT from the state file; false when there is none (or its folder is gone).
load_state() {
  [ -f "$STATE" ] || return 1
  # shellcheck disable=SC1090
  . "$STATE"
  [ -n "${DATA:-}" ] && [ -f "$DATA/PG_VERSION" ]
}

running() { as_owner "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1; }

start_cluster() {
  if ! running; then
    # The same port as before: the instances under test keep their URL across a restart.
    if ! as_owner "$BIN/pg_ctl" start -w -t 60 -D "$DATA" -l "$DATA/server.log" \
      -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories='' -c max_connections=300 -c fsync=off" >&2; then
      say "the cluster in $DATA did not start (its log: $DATA/server.log); '$0 destroy' makes a new one next time"
      exit 1
    fi
  fi
}

create_cluster() {
  DATA=$(mktemp -d "${TMPDIR:-/tmp}/bridge-login-pg.XXXXXX")
  PORT=$(free_port)
  if [ "$(id -u)" = 0 ]; then chown postgres: "$DATA"; fi
  say "creating a test cluster in $DATA (port $PORT)"
  as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >/dev/null
  mkdir -p "$STATE_DIR"
  printf 'DATA=%q\nPORT=%q\n' "$DATA" "$PORT" >"$STATE"
}

cmd="${1:-start}"
if [ "$cmd" = start ] && [ -n "${BRIDGE_LOGIN_TEST_PG_URL:-}" ]; then
  echo "$BRIDGE_LOGIN_TEST_PG_URL"
  exit 0
fi
install_postgres
BIN=$(pg_bin)
case "$cmd" in
  start)
    load_state || create_cluster
    start_cluster
    url_for "$PORT"
    ;;
  stop)
    if load_state && running; then as_owner "$BIN/pg_ctl" stop -w -m fast -D "$DATA" >&2; fi
    ;;
  destroy)
    if load_state; then
      if running; then as_owner "$BIN/pg_ctl" stop -w -m immediate -D "$DATA" >&2; fi
      rm -rf "$DATA"
    fi
    rm -f "$STATE"
    ;;
  *)
    say "unknown command '$cmd' (start, stop or destroy)"
    exit 64
    ;;
esac
