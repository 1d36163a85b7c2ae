#!/usr/bin/env bash
# Every README benchmark at a tiny size with the debug build, so that none can rot unseen: each
# must run to its end and print its figures (the figures themselves mean nothing at this size).
set -euo pipefail
cd "$(dirname "$0")/.."
export SIPAS=$PWD/.build/debug/sipas
echo "== benchmark smoke: the index engine"
scripts/benchmark.sh 2000
echo "== benchmark smoke: the server (SQLite)"
BENCH_ROWS=2000 BENCH_SECONDS=1 scripts/benchmark-server.sh sqlite
echo "== benchmark smoke: dashboards, outputs and public pages"
BENCH_ROWS=3000 BENCH_UNITS=30 BENCH_REPEAT=3 scripts/benchmark-dashboards.sh
echo "== benchmark smoke: sampling draws"
BENCH_STRATA=20 scripts/benchmark-sampling.sh 20000
echo "== benchmark smoke: sampling in the server"
BENCH_COMMUNES=5 scripts/benchmark-sampling-server.sh 2000
echo "== benchmark smoke: fieldwork and data entry"
BENCH_COMMUNES=10 BENCH_REPEAT=3 BENCH_FORMS=1 scripts/benchmark-fieldwork.sh 500
echo "benchmark smoke: 6 passed, 0 failed"
