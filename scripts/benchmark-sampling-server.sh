#!/usr/bin/env bash
# Benchmark of sampling in the server (release build, SQLite): a campaign on COMMUNES 2025 communes
# (default 500, as the command-line benchmark's strata), a generated frame of ROWS dossiers imported through the API from CSV and from XLSX (upload,
# then the checked import with contacts sealed), a draw from each stored frame (two designs), and
# the public verification of each draw. Prints each step's wall time (whole requests).
# Usage: BENCH_COMMUNES=500 BENCH_FORMATS=csv,xlsx scripts/benchmark-sampling-server.sh [ROWS]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SIPAS:-}" ]; then swift build -c release >/dev/null; SIPAS=$PWD/.build/release/sipas; fi
SIPAS=$(realpath "$SIPAS")
rows=${1:-1000000}
mkdir -p bench-data
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work" && exec "$SIPAS" serve --demo --port "$port" >"$work/server.log" 2>&1) &
server=$!
base=http://127.0.0.1:$port
for _ in $(seq 1 300); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "$base/healthz" >/dev/null || { echo "the server did not start:"; cat "$work/server.log"; exit 1; }
python3 - "$base" "$rows" "$work" <<'PY'
import json, os, subprocess, sys, time, urllib.request
base, rows, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def call(path, method="GET", body=None, token=None, content="application/json"):
    headers = {"Content-Type": content} if body is not None else {}
    if token: headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers)
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=900) as reply:
        data = reply.read()
    return data, time.perf_counter() - start

token = json.loads(call("/api/v1/auth/login", "POST", json.dumps({"username": "admin", "password": "sipas-demo-2023"}).encode())[0])["token"]
communes, offset = [], 0
while True:
    page = json.loads(call(f"/api/v1/units?register=2025&level=commune&limit=500&offset={offset}", token=token)[0])["items"]
    communes += page
    offset += len(page)
    if len(page) < 500: break
communes = communes[:int(os.environ.get("BENCH_COMMUNES", "500"))]
json.dump([{"code": c["code"], "name": c["name"]} for c in communes], open(f"{work}/communes.json", "w"), ensure_ascii=False)
for kind in os.environ.get("BENCH_FORMATS", "csv,xlsx").split(","):
    frame = f"bench-data/national-frame-{rows}-{len(communes)}.{kind}"
    if not os.path.exists(frame):
        print(f"generating {frame}…", flush=True)
        subprocess.run([sys.executable, "scripts/benchmark/generate_national_frame.py", str(rows), f"{work}/communes.json", frame], check=True)
    campaign = {"code": f"BENCH-MAU-{kind.upper()}", "year": 2026, "title": f"Benchmark: sampling {len(communes)} communes",
                "questionnaire_code": "sipas-2023", "questionnaire_version": 1, "units": [{"unit_id": c["id"]} for c in communes]}
    cid = json.loads(call("/api/v1/campaigns", "POST", json.dumps(campaign).encode(), token=token)[0])["id"]
    call(f"/api/v1/campaigns/{cid}/status", "POST", json.dumps({"status": "sampling"}).encode(), token)
    sampling = f"/api/v1/campaigns/{cid}/sampling"
    size = os.path.getsize(frame) >> 20
    preview, t_upload = call(f"{sampling}/frame/upload?file_name=frame.{kind}", "POST", open(frame, "rb").read(), token, "application/octet-stream")
    preview = json.loads(preview)
    request = {"upload_id": preview["upload_id"], "mapping": {"key": "Số hồ sơ", "unit": "Mã xã", "name": "Họ và tên", "phone": "Điện thoại",
                                                             "address": "Địa chỉ", "service": "Lĩnh vực", "completed_on": "Ngày trả kết quả"}}
    summary, t_import = call(f"{sampling}/frame/import", "POST", json.dumps(request).encode(), token)
    status = json.loads(summary)["frame"]["status"]
    if status != "fixed":
        call(f"{sampling}/frame/fix", "POST", json.dumps({"rule": "first"}).encode(), token)
    print(f"{rows} rows {kind.upper()} ({size} MB): upload and preview {t_upload:.2f} s, checked import with contacts sealed {t_import:.2f} s, "
          f"together {t_upload + t_import:.2f} s", flush=True)
    # Two designs from the methodology notes: the Ministry's Yamane formula per commune (a third of
    # a 2,000-dossier commune, with half as many reserves), and Hội An's 90 forms per commune.
    designs = {"csv": ("Yamane per commune", "size: {rule: yamane, e: 0.05}"), "xlsx": ("90 per commune", "size: {rule: fixed, count: 90}")}
    if kind in designs:
        label, size_rule = designs[kind]
        design = f"key: ma_ho_so\nstages:\n  - name: person\n    strata: [ma_don_vi]\n    {size_rule}\n    reserves: {{ratio: 0.5}}\n"
        call(f"{sampling}/design", "PUT", json.dumps({"document": design}).encode(), token)
        _, t_sizes = call(f"{sampling}/sizes", token=token)
        drawn, t_draw = call(f"{sampling}/draws", "POST", json.dumps({"seed": "benchmark"}).encode(), token)
        drawn = json.loads(drawn)
        files = {name: call(f"{sampling}/draws/1/{name}", token=token)[0].decode() for name in ["mau.csv", "bien-ban.json", "khung-mau-rut.csv"]}
        verified, t_verify = call("/api/v1/sampling/verify", "POST", json.dumps({"frame": files["khung-mau-rut.csv"], "record": files["bien-ban.json"],
                                                                                 "draw": files["mau.csv"]}).encode())
        ok = json.loads(verified)["matches"]
        print(f"{rows} rows stored, design {label}: sizes per stratum {t_sizes:.2f} s; draw ({drawn['sampled']} sampled, {drawn['reserves']} reserves, "
              f"cases stored) {t_draw:.2f} s; public verification of that draw {t_verify:.2f} s ({'khớp' if ok else 'DIFFERS'})", flush=True)
PY
