#!/usr/bin/env python3
"""The fieldwork benchmark's client (see scripts/benchmark-fieldwork.sh): builds the campaign through
the API, then times progress pages, a bảng kê PDF and 20 clerks keying at once."""
import http.client, json, math, os, random, subprocess, sys, threading, time, urllib.parse, urllib.request

base, cases, work, sipas = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
communes_wanted = int(os.environ.get("BENCH_COMMUNES", "500"))
repeat = int(os.environ.get("BENCH_REPEAT", "100"))
forms_per_clerk = int(os.environ.get("BENCH_FORMS", "25"))
password = "sipas-demo-2023"


def call(path, method="GET", body=None, token=None, content="application/json", cookie=None):
    headers = {"Content-Type": content} if body is not None else {}
    if token: headers["Authorization"] = "Bearer " + token
    if cookie: headers["Cookie"] = cookie
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers)
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=1800) as reply:
        data = reply.read()
    return data, time.perf_counter() - start


def login(username, secret=password):
    return json.loads(call("/api/v1/auth/login", "POST", json.dumps({"username": username, "password": secret}).encode())[0])["token"]


def post(path, payload, token):
    return json.loads(call(path, "POST", json.dumps(payload).encode(), token)[0] or b"{}")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


admin = login("admin")
communes, offset = [], 0
while len(communes) < communes_wanted:
    page = json.loads(call(f"/api/v1/units?register=2025&level=commune&limit=500&offset={offset}", token=admin)[0])["items"]
    communes += page
    offset += len(page)
    if len(page) < 500: break
communes = communes[:communes_wanted]
per_commune = max(1, cases // len(communes))
json.dump([{"code": c["code"], "name": c["name"]} for c in communes], open(f"{work}/communes.json", "w"), ensure_ascii=False)
frame = f"{work}/frame.csv"
subprocess.run([sys.executable, "scripts/benchmark/generate_national_frame.py", str(per_commune * len(communes) * 2), f"{work}/communes.json", frame], check=True)
campaign = {"code": "BENCH-DTTD", "year": 2026, "title": f"Benchmark: fieldwork, {per_commune * len(communes)} cases",
            "questionnaire_code": "sipas-2023", "questionnaire_version": 1, "units": [{"unit_id": c["id"]} for c in communes]}
cid = json.loads(call("/api/v1/campaigns", "POST", json.dumps(campaign).encode(), token=admin)[0])["id"]
post(f"/api/v1/campaigns/{cid}/status", {"status": "sampling"}, admin)
sampling = f"/api/v1/campaigns/{cid}/sampling"
preview = json.loads(call(f"{sampling}/frame/upload?file_name=frame.csv", "POST", open(frame, "rb").read(), admin, "application/octet-stream")[0])
summary = post(f"{sampling}/frame/import", {"upload_id": preview["upload_id"], "mapping": {
    "key": "Số hồ sơ", "unit": "Mã xã", "name": "Họ và tên", "phone": "Điện thoại", "address": "Địa chỉ", "service": "Lĩnh vực",
    "completed_on": "Ngày trả kết quả"}}, admin)
if summary["frame"]["status"] != "fixed":
    post(f"{sampling}/frame/fix", {"rule": "first"}, admin)
design = f"key: ma_ho_so\nstages:\n  - name: person\n    strata: [ma_don_vi]\n    size: {{rule: fixed, count: {per_commune}}}\n    reserves: {{count: 5}}\n"
call(f"{sampling}/design", "PUT", json.dumps({"document": design}).encode(), admin)
drawn = post(f"{sampling}/draws", {"seed": "benchmark"}, admin)
office = post("/api/v1/post-offices", {"name": "Bưu điện benchmark", "province_unit_id": int(communes[0]["path"].strip("/").split("/")[0])}, admin)
enumerators = [post(f"/api/v1/post-offices/{office['id']}/members", {"username": f"bench.dtv{i}", "display_name": f"Điều tra viên {i}",
                                                                     "password": password, "role": "enumerator"}, admin) for i in range(10)]
started = time.perf_counter()
share = math.ceil(len(communes) / len(enumerators))
for i, e in enumerate(enumerators):
    units = [c["id"] for c in communes[i * share:(i + 1) * share]]
    if units: post(f"/api/v1/campaigns/{cid}/fieldwork/assignments", {"unit_ids": units, "enumerator_id": e["id"]}, admin)
t_assign = time.perf_counter() - started
post(f"/api/v1/campaigns/{cid}/status", {"status": "fieldwork"}, admin)
print(f"campaign of {drawn['sampled']} cases ({drawn['reserves']} reserves) over {len(communes)} communes; "
      f"assigned to 10 enumerators, contacts copied for them: {t_assign:.2f} s", flush=True)

# Progress: API in every grouping, JSON and CSV, and the screen (a session's cookie).
for by in ["unit", "enumerator", "post_office", "stratum"]:
    for fmt in ["json", "csv"]:
        times = [call(f"/api/v1/campaigns/{cid}/fieldwork/progress?by={by}&format={fmt}", token=admin)[1] * 1000 for _ in range(repeat)]
        print(f"progress by {by} ({fmt}): p50 {percentile(times, 50):.1f} ms, p95 {percentile(times, 95):.1f} ms ({repeat} requests)", flush=True)

# Keying: 20 clerks at once, each keying its own forms first, then a colleague's a second time.
province = int(communes[0]["path"].strip("/").split("/")[0])
clerks = []
for i in range(20):
    post("/api/v1/users", {"username": f"bench.nhaplieu{i}", "display_name": f"Nhập liệu {i}", "password": password, "role": "data-entry-clerk",
                           "scope_unit_id": province}, admin)
    clerks.append(login(f"bench.nhaplieu{i}"))
document = json.loads(call("/api/v1/questionnaires/sipas-2023/1", token=admin)[0])
items = [i["code"] for s in document["sections"] for i in s["items"]]
listing = json.loads(call(f"/api/v1/campaigns/{cid}/fieldwork/cases?enumerator_id={enumerators[0]['id']}", token=admin)[0])["items"]
province_of = {c["id"]: int(c["path"].strip("/").split("/")[0]) for c in communes}
codes = [c["code"] for c in listing if province_of.get(c["unit_id"]) == province][: 40 * forms_per_clerk]
answers = {"Q1.1": "3", "Q1.2": "4", "Q1.3": "2", "GENDER": "1", "AGE": "3"}
answers = {k: v for k, v in answers.items() if k in items}
timings = {1: [], 2: []}
lock = threading.Lock()


def key(clerk, mine, keying_pass, pause):
    # A clerk's browser keeps its connection open between forms; a connection per form would time
    # the load generator's own set-up (and urllib's) more than the server.
    generator = random.Random(clerk)
    target = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=600)
    headers = {"Content-Type": "application/json", "Authorization": "Bearer " + clerks[clerk]}
    for code in mine:
        body = json.dumps({"code": code, "answers": answers}).encode()
        start = time.perf_counter()
        connection.request("POST", f"/api/v1/campaigns/{cid}/entry/keyings", body=body, headers=headers)
        reply = connection.getresponse()
        reply.read()
        seconds = time.perf_counter() - start
        if reply.status != 201: raise SystemExit(f"keying {code} answered {reply.status}")
        with lock: timings[keying_pass].append(seconds * 1000)
        if pause: time.sleep(generator.uniform(0, pause))
    connection.close()


# Two ways of "at once": every clerk sends the next form the moment the last is saved (the server
# saturated: latency is mostly the queue), and clerks pausing up to 0.3 s between forms — still a
# hundred times faster than anyone keys a sixty-question form.
# Forms in 40 blocks: 0–19 back to back, 20–39 paced; clerk i keys block i first, then block i+1 (a colleague's) again.
runs = [(1, 0.0, 0), (2, 0.0, 0), (1, 0.3, 20), (2, 0.3, 20)]
for keying_pass, pause, first_block in runs:
    timings[keying_pass] = []
    def block(i): return first_block + (i + keying_pass - 1) % 20
    threads = [threading.Thread(target=key, args=(i, codes[block(i) * forms_per_clerk:(block(i) + 1) * forms_per_clerk], keying_pass, pause))
               for i in range(20)]
    started = time.perf_counter()
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.perf_counter() - started
    t = timings[keying_pass]
    manner = "back to back" if pause == 0 else f"pausing up to {pause} s"
    print(f"20 clerks keying at once ({manner}), {'first' if keying_pass == 1 else 'second (compared, response stored)'} keying: {len(t)} forms in {elapsed:.2f} s, "
          f"each saved p50 {percentile(t, 50):.1f} ms, p99 {percentile(t, 99):.1f} ms", flush=True)

# The bảng kê of the first enumerator (per_commune × communes / 10 cases; 10 rows a page), printed by the command line.
pages = math.ceil(len([c for c in json.loads(call(f"/api/v1/campaigns/{cid}/fieldwork/cases?enumerator_id={enumerators[0]['id']}", token=admin)[0])["items"]]) / 10)
started = time.perf_counter()
subprocess.run([sipas, "fieldwork", "bang-ke", "--campaign", "BENCH-DTTD", "--as", "admin", "--enumerator", "bench.dtv0", "--pdf", f"{work}/bang-ke.pdf",
                "--database", f"{work}/sipas-data/sipas.sqlite"], check=True, capture_output=True)
t_pdf = time.perf_counter() - started
size = os.path.getsize(f"{work}/bang-ke.pdf") >> 10
print(f"bảng kê PDF of one enumerator ({pages} A4 pages, {size} KiB), whole process: {t_pdf:.2f} s", flush=True)
