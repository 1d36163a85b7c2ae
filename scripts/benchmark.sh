#!/usr/bin/env bash
# Benchmark of the index engine: 1M and 10M rows of sipas-2017 (strata-psu design, 500 and 5,000
# units), `sipas index --by unit` in a release build against DuckDB computing the same point
# estimates (DuckDB: pip install duckdb). Prints median wall time, peak memory and the ratio.
# Usage: scripts/benchmark.sh [ROWS...]   (default: 1000000 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
# SIPAS=path runs another build (the test command's smoke run uses the debug build, tiny sizes).
if [ -z "${SIPAS:-}" ]; then swift build -c release >/dev/null; SIPAS=.build/release/sipas; fi
mkdir -p bench-data
sizes=("$@"); [ ${#sizes[@]} -eq 0 ] && sizes=(1000000 10000000)
have_duckdb=$(python3 -c 'import duckdb' 2>/dev/null && echo yes || echo no)

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

for rows in "${sizes[@]}"; do
  units=$((rows / 2000)); [ "$units" -lt 1 ] && units=1
  data=bench-data/sipas-2017-$rows.csv
  if [ ! -s "$data" ]; then
    echo "generating $data ($rows rows, $units units)…"
    $SIPAS generate --questionnaire sipas-2017 --rows "$rows" --units "$units" --design strata-psu --seed 2026 --out "$data"
  fi
  runs=$(( rows > 2000000 ? 3 : 5 ))
  times=(); mems=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -o /tmp/sipas-bench.time -f "%e %M" \
      $SIPAS index --questionnaire sipas-2017 --responses "$data" --by unit --format csv --output /tmp/sipas-bench.csv 2>/dev/null
    out=$(tail -1 /tmp/sipas-bench.time)
    times+=("${out% *}"); mems+=("${out#* }")
  done
  t=$(printf '%s\n' "${times[@]}" | median)
  m=$(printf '%s\n' "${mems[@]}" | sort -n | tail -1)
  size=$(du -m "$data" | cut -f1)
  printf '%s rows (%s MB): sipas index --by unit  median %.2f s over %d runs (%s), peak memory %d MB\n' \
    "$rows" "$size" "$t" "$runs" "$(echo "${times[@]}" | tr ' ' '/')" "$((m / 1024))"
  if [ "$have_duckdb" = yes ]; then
    dtimes=()
    for _ in $(seq "$runs"); do dtimes+=("$(python3 scripts/benchmark/duckdb_index.py "$data")"); done
    python3 scripts/benchmark/duckdb_index.py "$data" --check /tmp/sipas-bench.csv >/dev/null
    d=$(printf '%s\n' "${dtimes[@]}" | median)
    printf '%s rows: DuckDB point estimates only  median %.2f s (%s); sipas/DuckDB = %.2f\n' \
      "$rows" "$d" "$(echo "${dtimes[@]}" | tr ' ' '/')" "$(awk -v a="$t" -v b="$d" 'BEGIN {print a / b}')"
  else
    echo "DuckDB not installed (pip install duckdb): comparison skipped"
  fi
done
