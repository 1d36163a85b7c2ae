#!/usr/bin/env bash
# Checks against a running demo server (the debug build, SQLite, in a scratch directory):
#  1. the dashboards' figures against an independent implementation of dashboard-measures.md;
#  2. the screens in headless Chromium (Selenium): journeys, HTML parsing, axe-core accessibility;
#  3. the disclosure auditor: every figure each aggregate audience is released, across releases,
#     solved by linear programming for the small groups (it adds campaigns, so it runs after 1–2);
#  4. property-based tests of the REST API from its own OpenAPI document (schemathesis), which
#     changes data and so runs last.
set -euo pipefail
cd "$(dirname "$0")/.."
SIPAS=${SIPAS:-$PWD/.build/debug/sipas}
for tool in schemathesis chromium chromedriver; do
  command -v $tool >/dev/null || { echo "$tool is missing: .ci/run installs it (see its list)" >&2; exit 1; }
done
python3 -c 'import selenium, html5lib, axe_selenium_python' 2>/dev/null || { echo "pip install selenium html5lib axe-selenium-python (.ci/run does)" >&2; exit 1; }
# Checks run on SQLite and, with scripts/with-postgres.sh around this script, on PostgreSQL too;
# the fuzzer (which changes data at random) on SQLite only.
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
password=$(sed -n 's/.*public static let password = "\(.*\)"/\1/p' Sources/SIPASApp/Setup/DemoData.swift)
export SCREENSHOTS=${SCREENSHOTS:-$PWD/.build/screenshots}
rm -rf "$SCREENSHOTS"

start_server() {  # database-argument...
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  (cd "$work" && exec "$SIPAS" serve --demo --port "$port" "$@" >"$work/server.log" 2>&1) &
  server=$!
  base=http://127.0.0.1:$port
  for _ in $(seq 1 120); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.5; done
  curl -sf "$base/healthz" >/dev/null || { echo "the server did not start:"; cat "$work/server.log"; exit 1; }
  token=$(curl -sf -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=; }

check() {  # label
  echo "== $1: dashboards and screens"
  python3 Tests/Dashboard/check_measures.py "$base" "$token"
  if ! SIPAS_URL=$base SIPAS_TOKEN=$token SIPAS_DEMO_PASSWORD=$password SCREENSHOTS=$SCREENSHOTS/$1 \
      python3 -m unittest Tests/Browser/test_screens.py; then
    echo "browser tests failed on $1: screenshots of the failing pages are in $SCREENSHOTS/$1" >&2
    exit 1
  fi
  echo "== $1: disclosure audit of every release, every audience"
  python3 Tests/Disclosure/audit_releases.py "$base" "$password"
}

if [ -n "${SIPAS_TEST_POSTGRES_URL:-}" ]; then
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  "$bin/psql" "$SIPAS_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS sipas_screens" -c "CREATE DATABASE sipas_screens" >/dev/null
  start_server --database "${SIPAS_TEST_POSTGRES_URL%/*}/sipas_screens"
  check postgres
  stop_server
fi

start_server
check sqlite
stop_server
echo "== sqlite: slow and greedy clients (short limits)"
start_server --idle-timeout 2 --body-timeout 2 --max-connections 250
python3 Tests/Server/slow_clients.py 127.0.0.1 "$port"
stop_server
start_server
echo "== sqlite: the API fuzzed from its OpenAPI document"
# Signing out would end the token the run uses: that operation is tested by the Swift suites.
schemathesis --no-color --config-file Tests/API/schemathesis.toml run "$base/api/v1/openapi.json" \
  --checks all -H "Authorization: Bearer $token" --exclude-path /api/v1/auth/logout \
  --max-examples "${FUZZ_EXAMPLES:-30}" -w 1 --seed "${FUZZ_SEED:-20261202}"
