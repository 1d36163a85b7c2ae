#!/usr/bin/env bash
# Checks the `sipas` command as a user runs it: outputs, exit codes (0 ok, 2 usage, 65 bad data,
# 66 unreadable input), nothing written on failure. Prints "cli: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
SIPAS=${SIPAS:-.build/debug/sipas}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0; fail=0

expect() {  # description expected-exit command...
  local what=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL $what: exit $got, expected $want"; head -5 "$work/err"
  fi
}
contains() {  # description file fragment
  if grep -qF -- "$3" "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1: no \"$3\" in $2"; head -5 "$2"; fi
}

ex=examples/van-quan-2023.csv
expect "index on the shipped example" 0 $SIPAS index --questionnaire sipas-2017 --responses $ex --by unit --format table
contains "table shows Vietnamese decimals" "$work/out" "Xã Điềm He"
contains "table has a comma decimal" "$work/out" ","
expect "csv output" 0 $SIPAS index --questionnaire sipas-2017 --responses $ex --by unit --format csv
contains "csv header" "$work/out" "unit,index,node,n,estimate,se,ci_low,ci_high,low_n"
expect "json output to a file" 0 $SIPAS index --questionnaire sipas-2017 --responses $ex --rollup-mean-of unit --format json --output "$work/r.json"
python3 -c "import json,sys; d=json.load(open('$work/r.json')); assert d[0]['node']=='SIPAS' and d[0]['estimate']>0" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL json"; }
expect "questionnaire file by path" 0 $SIPAS index --questionnaire Tests/SIPASFormatsTests/Fixtures/custom-weighted.yaml --responses $ex --format csv
expect "progress never goes to a pipe" 0 $SIPAS index --questionnaire sipas-2017 --responses $ex
if grep -q "Đang đọc" "$work/err"; then fail=$((fail + 1)); echo "FAIL progress line in a pipe"; else pass=$((pass + 1)); fi

expect "unknown option is a usage error" 2 $SIPAS index --questionnaire sipas-2017 --responses $ex --colour red
expect "missing required option" 2 $SIPAS index --responses $ex
expect "unknown questionnaire" 2 $SIPAS index --questionnaire sipas-1999 --responses $ex
expect "unknown --by column" 2 $SIPAS index --questionnaire sipas-2017 --responses $ex --by district
contains "unknown --by column names the columns" "$work/err" "province"
expect "bad --format" 2 $SIPAS index --questionnaire sipas-2017 --responses $ex --format xlsx
expect "unknown subcommand" 2 $SIPAS frobnicate
expect "missing responses file" 66 $SIPAS index --questionnaire sipas-2017 --responses "$work/nope.csv"

printf 'response_id,A1,A3\nr1,4,7\nr1,4.0,2\n' > "$work/bad.csv"
expect "bad data exits 65" 65 $SIPAS index --questionnaire sipas-2017 --responses "$work/bad.csv" --output "$work/never.csv"
contains "problems with line and column" "$work/err" "bad.csv:2:3"
contains "duplicate id" "$work/err" "first on line 2"
[ ! -e "$work/never.csv" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL output written on failure"; }
if grep -q "Fatal error\|Stack dump\|at /" "$work/err"; then fail=$((fail + 1)); echo "FAIL stack trace"; else pass=$((pass + 1)); fi

expect "questionnaire list" 0 $SIPAS questionnaire list
contains "list shows both" "$work/out" "sipas-2023"
expect "questionnaire show" 0 $SIPAS questionnaire show sipas-2023
contains "show has the tree" "$work/out" "Cung ứng dịch vụ hành chính công"
expect "export yaml" 0 $SIPAS questionnaire export sipas-2017 --format yaml --output "$work/q.yaml"
expect "export validates" 0 $SIPAS questionnaire validate "$work/q.yaml"
expect "export json" 0 $SIPAS questionnaire export sipas-2023 --format json --output "$work/q.json"
expect "json validates" 0 $SIPAS questionnaire validate "$work/q.json"
sed 's/children: \["A1", "A2", "A3", "A4"\]/children: ["A1", "A2", "B9", "A4"]/' "$work/q.yaml" > "$work/broken.yaml"
expect "invalid questionnaire exits 65" 65 $SIPAS questionnaire validate "$work/broken.yaml"
contains "key path in the message" "$work/err" 'indices[0].children[0].children[2]'

expect "generate" 0 $SIPAS generate --questionnaire sipas-2023 --rows 300 --units 4 --design psu --seed 9 --out "$work/g.csv"
expect "generate again" 0 $SIPAS generate --questionnaire sipas-2023 --rows 300 --units 4 --design psu --seed 9 --out "$work/g2.csv"
cmp -s "$work/g.csv" "$work/g2.csv" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL generate is not deterministic"; }
expect "generated data indexes" 0 $SIPAS index --questionnaire sipas-2023 --responses "$work/g.csv" --by unit --format csv
expect "bad design" 2 $SIPAS generate --questionnaire sipas-2017 --rows 10 --design cluster --out "$work/x.csv"

# Official outputs and publication, on a demo database.
db="$work/demo.sqlite"
expect "demo data" 0 $SIPAS demo --database "$db"
expect "report needs an output" 2 $SIPAS report --campaign LSN-VQ-2023 --database "$db"
expect "report of an unknown campaign" 66 $SIPAS report --campaign NOPE --xlsx "$work/x.xlsx" --database "$db"
[ ! -e "$work/x.xlsx" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL a refused report wrote a file"; }
expect "workbook and printable report" 0 $SIPAS report --campaign LSN-VQ-2023 --xlsx "$work/r.xlsx" --html "$work/r.html" --database "$db"
contains "report is an administrative document" "$work/r.html" "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
contains "report has the place and date line" "$work/r.html" "Văn Quan, ngày"
python3 -c "import zipfile; z=zipfile.ZipFile('$work/r.xlsx'); assert z.testzip() is None and 'xl/worksheets/sheet1.xml' in z.namelist()" \
  && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL the workbook is not a valid xlsx"; }
if command -v chromium >/dev/null; then
  expect "PDF report" 0 $SIPAS report --campaign LSN-VQ-2023 --pdf "$work/r.pdf" --database "$db"
  head -c 4 "$work/r.pdf" | grep -q "%PDF" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL not a PDF"; }
fi
expect "PDF without Chromium is a clear usage error" 2 env SIPAS_CHROMIUM=/nonexistent $SIPAS report --campaign LSN-VQ-2023 --pdf "$work/n.pdf" --database "$db"
contains "names Chromium" "$work/err" "Chromium"
expect "publish" 0 $SIPAS publish --campaign LSN-VQ-2023 --database "$db"
expect "publish twice is refused" 65 $SIPAS publish --campaign LSN-VQ-2023 --database "$db"
contains "says it is published already" "$work/err" "đã được công bố"

# Fieldwork from the command line, on the demo's campaign in fieldwork (LSN-VQ-2026).
fw="--campaign LSN-VQ-2026 --database $db"
expect "fieldwork progress by enumerator as CSV" 0 $SIPAS fieldwork progress $fw --as admin --by enumerator --csv "$work/progress.csv"
contains "progress has the documented columns" "$work/progress.csv" "enumerator,cases,assigned,delivered,collected,refused,not_found,moved,ineligible,replaced,response_rate,rr1,cooperation_rate,refusal_rate,overdue"
expect "an unknown grouping is a usage error" 2 $SIPAS fieldwork progress $fw --as admin --by district
expect "a bảng kê with an unknown case changes nothing" 65 $SIPAS fieldwork record $fw --as dtv.an --file "$(printf 'ma_phieu,ket_qua\n999999-9,delivered\n' >"$work/bk.csv"; echo "$work/bk.csv")"
contains "says which line and column" "$work/err" "dòng 2"
expect "an enumerator prints only their own questionnaires" 0 $SIPAS fieldwork questionnaires $fw --as dtv.an --enumerator dtv.an --html "$work/phieu.html"
expect "another enumerator's questionnaires are no questionnaires at all" 66 $SIPAS fieldwork questionnaires $fw --as dtv.an --enumerator dtv.binh --html "$work/phieu-binh.html"
if command -v chromium >/dev/null && command -v zbarimg >/dev/null; then
  expect "printed questionnaires as PDF" 0 $SIPAS fieldwork questionnaires $fw --as admin --enumerator dtv.an --pdf "$work/phieu.pdf"
  # The QR code read back by an independent decoder names the case printed beside it.
  pdftoppm -r 150 -f 1 -l 1 -png "$work/phieu.pdf" "$work/phieu" && decoded=$(zbarimg --raw -q "$work"/phieu-*1.png | head -1)
  pdftotext -f 1 -l 1 "$work/phieu.pdf" "$work/phieu-1.txt"
  if [ -n "${decoded:-}" ] && grep -q -- "$decoded" "$work/phieu-1.txt" && [[ "$decoded" =~ ^[0-9]{6}-[0-9]$ ]]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL the QR code of page 1 reads \"${decoded:-nothing}\", not the case code printed on it"; fi
fi
expect "the audit chain verifies after the demo's fieldwork" 0 $SIPAS audit verify --database "$db"

# The database holds personal data: its folder is the owner's alone, its files and backups too.
private="$work/private/sipas.sqlite"
expect "migrate a new database" 0 $SIPAS migrate --database "$private"
expect "back it up" 0 $SIPAS backup "$work/private-backup.sqlite" --database "$private"
for f in "$work/private:700" "$private:600" "$private-wal:600" "$work/private-backup.sqlite:600" "$work/private/audit.key:600"; do
  file=${f%:*} want=${f##*:}
  if [ ! -e "$file" ] || [ "$(stat -c %a "$file")" = "$want" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL $file is $(stat -c %a "$file"), expected $want"; fi
done
expect "the audit chain of a fresh database verifies" 0 $SIPAS audit verify --database "$private"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
