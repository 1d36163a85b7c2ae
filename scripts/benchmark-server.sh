#!/usr/bin/env bash
# Server benchmarks (release build), on SQLite and — when PostgreSQL is installed — PostgreSQL:
#  1. durable response submission through the API: wrk, 64 connections, 15 s (apt-get install wrk);
#  2. the campaign index over 1M stored responses (imported through the API);
#  3. server start on that database (until /healthz answers).
# Usage: scripts/benchmark-server.sh [sqlite|postgres|both]   (default: both)
#        BENCH_ROWS=1000000 BENCH_SECONDS=15 SIPAS=path (another build) change the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SIPAS:-}" ]; then swift build -c release >/dev/null; SIPAS=$PWD/.build/release/sipas; fi
ROWS=${BENCH_ROWS:-1000000}
SECONDS_RUN=${BENCH_SECONDS:-15}
which wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
port=8199
work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

start_server() {  # database; the start-up time goes to $work/start
  local t0; t0=$(date +%s.%N)
  "$SIPAS" serve --port $port --database "$1" > "$work/server.log" 2>&1 &
  server_pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.01; done
  echo "$(date +%s.%N) - $t0" | bc > "$work/start"
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; }
api() { curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }

run() {  # label database
  local label=$1 db=$2
  "$SIPAS" demo --database "$db" >/dev/null
  start_server "$db"
  token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"admin","password":"sipas-demo-2023"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  # The demo's campaign on the legacy communes (the generated file names them by their codes).
  campaign=$(api "http://127.0.0.1:$port/api/v1/campaigns" | python3 -c 'import json,sys; print([c["id"] for c in json.load(sys.stdin)["items"] if c["code"] == "LSN-VQ-2023"][0])')
  api -X POST "http://127.0.0.1:$port/api/v1/campaigns/$campaign/status" -d '{"status":"entry","reason":"benchmark: submissions reopen entry"}' >/dev/null
  unit=$(api "http://127.0.0.1:$port/api/v1/units?q=diem%20he&register=legacy" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  echo "== $label: response submission, 64 connections, $SECONDS_RUN s"
  wrk -t4 -c64 -d${SECONDS_RUN}s --latency -s scripts/benchmark/submit.lua "http://127.0.0.1:$port" -- \
    "/api/v1/campaigns/$campaign/responses" "$token" "$unit" | grep -E "Requests/sec|Latency|50%|90%|99%|Non-2xx|requests in"
  echo "== $label: import $ROWS responses through the API"
  "$SIPAS" generate --questionnaire sipas-2017 --rows "$ROWS" --units 15 --design strata-psu --seed 7 --out "$work/g.csv"
  python3 - "$work/g.csv" "$work/big.csv" <<'PY'
import csv, sys
codes = ["06253","06256","06268","06274","06277","06280","06283","06286","06292","06298","06307","06313","06316","06319","06322"]
with open(sys.argv[1], encoding="utf-8-sig") as f, open(sys.argv[2], "w", encoding="utf-8", newline="") as out:
    r = csv.reader(f); w = csv.writer(out, lineterminator="\n")
    h = next(r); u = h.index("unit"); s = h.index("stratum"); i = h.index("response_id")
    w.writerow(h)
    for row in r:
        code = codes[int(row[u][1:]) - 1]
        row[u] = code; row[s] = code; row[i] = "M" + row[i]
        w.writerow(row)
PY
  /usr/bin/time -f "import: %e s wall" curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' --data-binary "@$work/big.csv" \
    "http://127.0.0.1:$port/api/v1/campaigns/$campaign/responses/import" -o "$work/import.json"
  python3 -c "import json; d=json.load(open('$work/import.json')); print('imported', d['added'], 'responses')"
  /usr/bin/time -f "index by unit right after the import: %e s (whole request; the import's responses are being read into memory)" \
    curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/campaigns/$campaign/index?by=unit&format=csv" -o /dev/null
  sleep 2  # the snapshot of the compact responses is stored in the background
  stop_server
  for i in 1 2 3; do start_server "$db"; echo "server start on the 1M-response database: $(cat "$work/start") s (until /healthz answers)"; stop_server; done
  # Right after a start the responses come back from their stored snapshot (read in the
  # background at start-up; the first request waits for it); later requests only estimate.
  start_server "$db"
  token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"admin","password":"sipas-demo-2023"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  /usr/bin/time -f "index by unit over 1M stored responses, first request right after start: %e s (whole request)" \
    curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/campaigns/$campaign/index?by=unit&format=csv" -o /dev/null
  for i in 1 2 3; do
    /usr/bin/time -f "index by unit over 1M stored responses: %e s (whole request)" \
      curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/campaigns/$campaign/index?by=unit&format=csv" -o /dev/null
  done
  /usr/bin/time -f "index by province, mean of units, over 1M stored responses: %e s (whole request)" \
    curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/campaigns/$campaign/index?by=province&rollup=unit&format=csv" -o /dev/null
  /usr/bin/time -f "index by unit and age group (a single-choice item) over 1M stored responses: %e s (whole request)" \
    curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/campaigns/$campaign/index?by=unit,AGE&format=csv" -o /dev/null
  echo "server memory with the campaign's responses in memory: $(ps -o rss= -p "$server_pid") KB resident"
  stop_server
}

mode=${1:-both}
if [ "$mode" != postgres ]; then run SQLite "$work/sipas.sqlite"; fi
if [ "$mode" != sqlite ]; then
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    export -f run start_server stop_server api; export SIPAS work port ROWS SECONDS_RUN
    # Durable commits for the measurement (the test cluster runs with fsync off).
    SIPAS_TEST_POSTGRES_FSYNC=on scripts/with-postgres.sh bash -c 'run PostgreSQL "$SIPAS_TEST_POSTGRES_URL"'
  else
    echo "PostgreSQL not installed: skipped"
  fi
fi
