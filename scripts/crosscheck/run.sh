#!/usr/bin/env bash
# Cross-checks `sipas index` against the R survey-package oracle on generated data sets:
# both national questionnaires and a custom one, every design, several groupings and roll-ups.
# Prints a closing line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
SIPAS=${SIPAS:-.build/debug/sipas}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0; fail=0
custom=Tests/SIPASFormatsTests/Fixtures/custom-weighted.yaml

check() {  # questionnaire-ref questionnaire-yaml design rows units seed by rollup min_n
  local ref=$1 yaml=$2 design=$3 rows=$4 units=$5 seed=$6 by=$7 rollup=$8 minn=$9
  local name="$(basename "$yaml" .yaml) design=$design rows=$rows by=${by:-none} rollup=${rollup:-none}"
  local data="$work/data.csv"
  "$SIPAS" generate --questionnaire "$ref" --rows "$rows" --units "$units" --design "$design" --seed "$seed" --out "$data"
  local args=(index --questionnaire "$ref" --responses "$data" --format csv --min-n "$minn")
  [ -n "$by" ] && args+=(--by "$by")
  [ -n "$rollup" ] && args+=(--rollup-mean-of "$rollup")
  "$SIPAS" "${args[@]}" > "$work/ours.csv" 2>/dev/null
  Rscript scripts/crosscheck/oracle.R "$yaml" "$data" "$by" "$rollup" "$minn" > "$work/theirs.csv" 2>"$work/r.err" || { cat "$work/r.err"; }
  if python3 scripts/crosscheck/compare.py "$work/ours.csv" "$work/theirs.csv" > "$work/cmp.txt"; then
    pass=$((pass + 1)); echo "ok   $name: $(tail -1 "$work/cmp.txt" | sed 's/^ *//')"
  else
    fail=$((fail + 1)); echo "FAIL $name"; cat "$work/cmp.txt"
  fi
}

q17=../shared/questionnaires/sipas-2017.yaml
q23=../shared/questionnaires/sipas-2023.yaml
tmpq="$work/q"; mkdir -p "$tmpq"
# The built-ins are compiled in; export them so the oracle reads exactly what sipas uses.
"$SIPAS" questionnaire export sipas-2017 --output "$tmpq/sipas-2017.yaml"
"$SIPAS" questionnaire export sipas-2023 --output "$tmpq/sipas-2023.yaml"
q17=$tmpq/sipas-2017.yaml; q23=$tmpq/sipas-2023.yaml

check sipas-2017 "$q17" strata-psu 900 9 11 unit "" 30
check sipas-2017 "$q17" strata-psu 1200 14 12 "" province 30
check sipas-2017 "$q17" strata-psu 700 7 13 province,channel "" 20
check sipas-2017 "$q17" srs 500 4 14 unit "" 30
check sipas-2017 "$q17" strata 600 6 15 province unit 30
check sipas-2017 "$q17" psu 800 8 16 channel "" 30
check sipas-2017 "$q17" strata-psu 40 3 17 unit "" 30
check sipas-2023 "$q23" strata-psu 900 9 21 unit "" 30
check sipas-2023 "$q23" psu 700 12 22 "" province 30
check sipas-2023 "$q23" strata 500 5 23 channel "" 30
check sipas-2023 "$q23" srs 400 3 24 "" "" 30
check "$custom" "$custom" strata-psu 800 8 31 unit "" 30
check "$custom" "$custom" srs 600 5 32 "" "" 30
check "$custom" "$custom" strata 700 7 33 province unit 25
check "$custom" "$custom" psu 500 10 34 unit,ONLINE "" 30
check "$custom" "$custom" strata-psu 300 20 35 "" province 30

echo "crosscheck: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
