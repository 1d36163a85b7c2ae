#!/usr/bin/env bash
# Benchmark of fieldwork and data entry in the server (release build, SQLite): a campaign of CASES
# sampled cases (default 100,000) over 500 communes of the 2025 register (a generated frame twice
# that size, drawn per commune), ten enumerators holding a tenth each. Prints: the progress pages'
# latency (p50/p95 over repeated requests, API JSON and CSV in every grouping, and the screen), a
# bảng kê of one enumerator's cases as PDF (10,000 cases: 1,000 A4 pages) by the command line as a
# whole process, and 20 clerks keying forms at once (each form's save, first and second keying).
# Usage: BENCH_COMMUNES=500 BENCH_REPEAT=100 BENCH_FORMS=25 scripts/benchmark-fieldwork.sh [CASES]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SIPAS:-}" ]; then scripts/setup.sh >/dev/null; SIPAS=$PWD/.build/release/sipas; fi
SIPAS=$(realpath "$SIPAS")
cases=${1:-100000}
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work" && exec "$SIPAS" serve --demo --port "$port" >"$work/server.log" 2>&1) &
server=$!
base=http://127.0.0.1:$port
for _ in $(seq 1 600); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "$base/healthz" >/dev/null || { echo "the server did not start:"; cat "$work/server.log"; exit 1; }
python3 scripts/benchmark/fieldwork_load.py "$base" "$cases" "$work" "$SIPAS"
