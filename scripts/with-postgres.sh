#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster on loopback, exported as
# SIPAS_TEST_POSTGRES_URL; stops and removes the cluster afterwards. Needs Debian's postgresql
# package; without it the command runs alone (SQLite only) and a note says so.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -n "${SIPAS_TEST_POSTGRES_URL:-}" ] || [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  [ -z "${SIPAS_TEST_POSTGRES_URL:-}" ] && echo "note: PostgreSQL is not installed (apt-get install postgresql): tests run on SQLite only" >&2
  exec "$@"
fi
data=$(mktemp -d /tmp/sipas-pg.XXXXXX)
pg_port=${SIPAS_TEST_POSTGRES_PORT:-54329}
run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$data"
run_pg "'$bin/initdb' -D '$data/db' -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
run_pg "'$bin/pg_ctl' -D '$data/db' -o \"-h 127.0.0.1 -p $pg_port -k '$data' -c max_connections=200 -c fsync=${SIPAS_TEST_POSTGRES_FSYNC:-off}\" -l '$data/log' -w start" >/dev/null
stop() { run_pg "'$bin/pg_ctl' -D '$data/db' -m fast -w stop" >/dev/null 2>&1 || true; rm -rf "$data"; }
trap stop EXIT
export SIPAS_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
# The throwaway databases' audit key and head checkpoints go with the cluster.
export SIPAS_AUDIT_KEY_FILE="${SIPAS_AUDIT_KEY_FILE:-$data/audit/audit.key}"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port for the tests" >&2
"$@"
