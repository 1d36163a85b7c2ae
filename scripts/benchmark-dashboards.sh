#!/usr/bin/env bash
# Dashboard and outputs benchmark (release build, SQLite): a campaign measuring all 3,321 communes
# of the 2025 register with 1,000,000 responses imported through the API; then every dashboard
# page and API 60 times warm (p50/p95 of whole requests), the first view after a new response
# arrives, the workbook (XLSX) and the PDF report, and — once published — the public pages.
# Usage: scripts/benchmark-dashboards.sh   (BENCH_ROWS=1000000 BENCH_UNITS=all BENCH_REPEAT=60 SIPAS=path change the sizes)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SIPAS:-}" ]; then swift build -c release >/dev/null; SIPAS=$PWD/.build/release/sipas; fi
export BENCH_ROWS=${BENCH_ROWS:-1000000} BENCH_UNITS=${BENCH_UNITS:-0} BENCH_REPEAT=${BENCH_REPEAT:-60}
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
port=8198
(cd "$work" && exec "$SIPAS" serve --demo --port $port >"$work/server.log" 2>&1) &
server=$!
base=http://127.0.0.1:$port
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done
python3 - "$base" "$SIPAS" "$work" <<'PY'
import csv, json, os, statistics, subprocess, sys, time, urllib.request
base, sipas, work = sys.argv[1:4]
ROWS, UNITS, REPEAT = int(os.environ["BENCH_ROWS"]), int(os.environ["BENCH_UNITS"]), int(os.environ["BENCH_REPEAT"])

def call(path, method="GET", body=None, token=None, cookie=None, content="application/json"):
    headers = {}
    if token: headers["Authorization"] = "Bearer " + token
    if cookie: headers["Cookie"] = cookie
    if body is not None: headers["Content-Type"] = content
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=600) as reply:
        return reply.status, reply.read(), reply.headers

login = json.dumps({"username": "admin", "password": "sipas-demo-2023"}).encode()
token = json.loads(call("/api/v1/auth/login", "POST", login)[1])["token"]
communes = []
offset = 0
while True:
    page = json.loads(call(f"/api/v1/units?register=2025&level=commune&limit=500&offset={offset}", token=token)[1])["items"]
    communes += page
    offset += len(page)
    if len(page) < 500: break
if UNITS:
    communes = communes[:UNITS]
print(f"communes measured: {len(communes)}")
campaign = {"code": "BENCH-2025", "year": 2025, "title": "Benchmark: every commune of the 2025 register",
            "questionnaire_code": "sipas-2017", "questionnaire_version": 1,
            "units": [{"unit_id": c["id"], "target_percent": 85, "target_comparator": ">"} for c in communes]}
cid = json.loads(call("/api/v1/campaigns", "POST", json.dumps(campaign).encode(), token=token)[1])["id"]
for status in ["sampling", "fieldwork", "entry"]:
    call(f"/api/v1/campaigns/{cid}/status", "POST", json.dumps({"status": status}).encode(), token=token)
subprocess.run([sipas, "generate", "--questionnaire", "sipas-2017", "--rows", str(ROWS), "--units", str(len(communes)),
                "--design", "strata-psu", "--seed", "11", "--out", f"{work}/g.csv"], check=True, stdout=subprocess.DEVNULL)
with open(f"{work}/g.csv", encoding="utf-8-sig") as f, open(f"{work}/big.csv", "w", encoding="utf-8", newline="") as out:
    r = csv.reader(f); w = csv.writer(out, lineterminator="\n")
    h = next(r); u = h.index("unit"); s = h.index("stratum")
    w.writerow(h)
    for row in r:
        code = communes[int(row[u][1:]) - 1]["code"]
        row[u] = code; row[s] = code
        w.writerow(row)
started = time.time()
with open(f"{work}/big.csv", "rb") as f:
    summary = json.loads(call(f"/api/v1/campaigns/{cid}/responses/import", "POST", f.read(), token=token, content="text/csv")[1])
print(f"imported {summary['added']} responses in {time.time() - started:.1f} s")
form = f"username=admin&password=sipas-demo-2023".encode()
request = urllib.request.Request(base + "/sign-in", data=form, method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"})
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
try:
    urllib.request.build_opener(NoRedirect).open(request)
except urllib.error.HTTPError as e:
    cookie = e.headers["Set-Cookie"].split(";")[0]
unit = communes[0]["code"]
pages = [("index page, whole campaign", f"/campaigns/{cid}/dashboard", cookie, None),
         ("index page, one unit", f"/campaigns/{cid}/dashboard?unit={unit}", cookie, None),
         ("ranking page, 3,321 units", f"/campaigns/{cid}/ranking", cookie, None),
         ("received page", f"/campaigns/{cid}/received", cookie, None),
         ("wishes page, whole campaign", f"/campaigns/{cid}/wishes", cookie, None),
         ("wishes page, one unit", f"/campaigns/{cid}/wishes?unit={unit}", cookie, None),
         ("map page, 3,321 units", f"/campaigns/{cid}/map", cookie, None),
         ("API wishes of a unit (CSV)", f"/api/v1/campaigns/{cid}/dashboard/wishes?unit={unit}&format=csv", None, token),
         ("API priorities of a unit", f"/api/v1/campaigns/{cid}/dashboard/priorities?unit={unit}", None, token),
         ("API ranking (JSON)", f"/api/v1/campaigns/{cid}/dashboard/ranking", None, token),
         ("API index by unit (JSON, every node of 3,321 units)", f"/api/v1/campaigns/{cid}/index?by=unit", None, token)]
def timed(path, cookie, token):
    t = time.perf_counter(); status, body, _ = call(path, cookie=cookie, token=token); took = time.perf_counter() - t
    assert status == 200, (path, status)
    return took
first = timed(pages[0][1], cookie, None)
print(f"first index page after the import (responses read into memory): {first * 1000:.0f} ms")
for label, path, c, t in pages:
    timed(path, c, t)
    samples = sorted(timed(path, c, t) for _ in range(REPEAT))
    print(f"{label}: p50 {statistics.median(samples) * 1000:.1f} ms, p95 {samples[int(0.95 * len(samples)) - 1] * 1000:.1f} ms (warm, {REPEAT} requests)")
submission = json.dumps({"response_id": "NEW-1", "unit_id": communes[0]["id"], "answers": {"A1": 5}}).encode()
call(f"/api/v1/campaigns/{cid}/responses", "POST", submission, token=token)
for label, path, c, t in pages[:3]:
    print(f"{label}, first view after a new response: {timed(path, c, t) * 1000:.0f} ms")
    submission = json.dumps({"response_id": f"NEW-{label}", "unit_id": communes[1]["id"], "answers": {"A1": 4}}).encode()
    call(f"/api/v1/campaigns/{cid}/responses", "POST", submission, token=token)
def seconds(path, runs):
    out = []
    for _ in range(runs):
        t = time.perf_counter(); status, body, _ = call(path, cookie=cookie); out.append(time.perf_counter() - t)
        assert status == 200, (path, status)
    return sorted(out), len(body)
call(f"/api/v1/campaigns/{cid}/status", "POST", json.dumps({"status": "analysis"}).encode(), token=token)
# The ministry analyst reads the campaign's release: the first view makes it (the pattern over
# every table), later ones read it.
analyst = json.loads(call("/api/v1/auth/login", "POST", json.dumps({"username": "phantich", "password": "sipas-demo-2023"}).encode())[1])["token"]
print(f"analyst's first index (makes the release): {timed(f'/api/v1/campaigns/{cid}/index?format=csv', None, analyst) * 1000:.0f} ms")
for label, path in [("analyst: index by unit (JSON)", f"/api/v1/campaigns/{cid}/index?by=unit"),
                    ("analyst: ranking (JSON)", f"/api/v1/campaigns/{cid}/dashboard/ranking"),
                    ("analyst: priorities of a unit", f"/api/v1/campaigns/{cid}/dashboard/priorities?unit={unit}")]:
    timed(path, None, analyst)
    samples = sorted(timed(path, None, analyst) for _ in range(REPEAT))
    print(f"{label}: p50 {statistics.median(samples) * 1000:.1f} ms, p95 {samples[int(0.95 * len(samples)) - 1] * 1000:.1f} ms (warm, {REPEAT} requests)")
s, size = seconds(f"/campaigns/{cid}/report.xlsx", 5)
print(f"workbook (XLSX, {size >> 10} KB): median {statistics.median(s):.2f} s, slowest {s[-1]:.2f} s (5 downloads)")
s, size = seconds(f"/campaigns/{cid}/report.pdf", 3)
print(f"report (PDF through Chromium, {size >> 10} KB): median {statistics.median(s):.2f} s, slowest {s[-1]:.2f} s (3 prints)")
call(f"/api/v1/campaigns/{cid}/status", "POST", json.dumps({"status": "published"}).encode(), token=token)
for label, path in [("public ranking page", "/public/BENCH-2025"), ("public unit page", f"/public/BENCH-2025/units/{unit}"),
                    ("public widget", f"/public/BENCH-2025/units/{unit}/widget"), ("public badge", f"/public/BENCH-2025/units/{unit}/badge.svg"),
                    ("open data units.csv", "/public/BENCH-2025/data/units.csv"), ("datapackage.json", "/public/BENCH-2025/datapackage.json")]:
    first = timed(path, None, None)
    samples = sorted(timed(path, None, None) for _ in range(REPEAT))
    print(f"{label}: first {first * 1000:.0f} ms; p50 {statistics.median(samples) * 1000:.1f} ms, p95 {samples[int(0.95 * len(samples)) - 1] * 1000:.1f} ms ({REPEAT} requests)")
PY
echo "server memory: $(ps -o rss= -p "$server") KB resident"
