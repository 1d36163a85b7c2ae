#!/usr/bin/env bash
# Benchmark of `sipas sample draw` (release build) over generated one-stop-shop frames of 1M and
# 10M rows in 500 communes (a Yamane sample per commune, reserves of half): median wall time, peak
# memory, `sipas sample verify` on the same draw, and DuckDB doing the same selection in SQL (a
# SHA-256 per row, a window over strata) on the same file, with the ratio.
# Usage: scripts/benchmark-sampling.sh [ROWS...]   (default: 1000000 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SIPAS:-}" ]; then swift build -c release >/dev/null; SIPAS=.build/release/sipas; fi
mkdir -p bench-data
sizes=("$@"); [ ${#sizes[@]} -eq 0 ] && sizes=(1000000 10000000)
strata=${BENCH_STRATA:-500}
have_duckdb=$(python3 -c 'import duckdb' 2>/dev/null && echo yes || echo no)
seed=3f1c0d2b9a8e7f6a5b4c3d2e1f0a9b8c
design=bench-data/sampling-design.yaml
cat > "$design" <<'YAML'
key: ma_ho_so
stages:
  - name: person
    method: srs
    strata: [ma_xa]
    size: {rule: yamane, e: 0.05}
    reserves: {ratio: 0.5}
YAML

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

timed() {  # runs "$@" RUNS times; sets T (median seconds) and M (peak MB)
  local runs=$1; shift
  local times=() mems=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -o /tmp/sipas-sample.time -f "%e %M" "$@" >/dev/null 2>/tmp/sipas-sample.err || { cat /tmp/sipas-sample.err; exit 1; }
    local out; out=$(tail -1 /tmp/sipas-sample.time)
    times+=("${out% *}"); mems+=("${out#* }")
  done
  T=$(printf '%s\n' "${times[@]}" | median)
  M=$(( $(printf '%s\n' "${mems[@]}" | sort -n | tail -1) / 1024 ))
  ALL=$(echo "${times[@]}" | tr ' ' '/')
}

for rows in "${sizes[@]}"; do
  frame=bench-data/frame-$rows-$strata.csv
  if [ ! -s "$frame" ]; then
    echo "generating $frame ($rows rows, $strata communes)…"
    python3 scripts/benchmark/generate_frame.py "$rows" "$strata" "$frame"
  fi
  runs=$(( rows > 2000000 ? 3 : 5 ))
  size=$(du -m "$frame" | cut -f1)
  timed "$runs" "$SIPAS" sample draw --frame "$frame" --design "$design" --seed "$seed" --out /tmp/sipas-sample-draw.csv
  draw_t=$T
  printf '%s rows (%s MB, %s strata): sipas sample draw    median %.2f s over %d runs (%s), peak memory %d MB\n' \
    "$rows" "$size" "$strata" "$T" "$runs" "$ALL" "$M"
  timed "$runs" "$SIPAS" sample verify --frame "$frame" --record /tmp/sipas-sample-draw.json --draw /tmp/sipas-sample-draw.csv
  printf '%s rows: sipas sample verify  median %.2f s over %d runs (%s), peak memory %d MB\n' "$rows" "$T" "$runs" "$ALL" "$M"
  if [ "$have_duckdb" = yes ]; then
    dtimes=()
    for _ in $(seq "$runs"); do dtimes+=("$(python3 scripts/benchmark/duckdb_sample.py "$frame" "$seed" 0.05)"); done
    d=$(printf '%s\n' "${dtimes[@]}" | median)
    differ=$(python3 scripts/benchmark/duckdb_sample.py "$frame" "$seed" 0.05 --check /tmp/sipas-sample-draw.csv)
    printf '%s rows: DuckDB same selection  median %.2f s (%s); sipas is %.1fx %s; selections differing: %s\n' \
      "$rows" "$d" "$(echo "${dtimes[@]}" | tr ' ' '/')" \
      "$(python3 -c "a,b=$draw_t,$d; print(max(a,b)/max(min(a,b),1e-9))")" \
      "$(python3 -c "print('faster' if $draw_t <= $d else 'slower')")" "$differ"
  else
    echo "(DuckDB not installed: pip install duckdb for the comparison)"
  fi
done
