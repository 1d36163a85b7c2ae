#!/usr/bin/env python3
"""A draw made through the server's API is re-run by the command line: a demo server on a scratch
SQLite database; a 2026 campaign on the 2025 successors of Văn Quan; the example frame uploaded,
mapped, fixed; a design; a draw; its files verified by `sipas sample verify` and by the
independent implementation; a second draw refused without a reason; then, server stopped,
`sipas frame purge` deletes the rows and the draw still verifies.

    server_to_cli.py path/to/sipas
"""
import json, os, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SIPAS = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/sipas")
EXAMPLE = os.path.join(HERE, "..", "..", "examples", "khung-mau-van-quan-2026.csv")
checks, failures = 0, []


def check(ok, what):
    global checks
    checks += 1
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def call(base, method, path, token=None, body=None, raw=None, expect=None):
    headers = {"Content-Type": "application/json" if raw is None else "application/octet-stream"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as reply:
            status, text = reply.status, reply.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    if expect is not None:
        check(status == expect, f"{method} {path}: {status} (expected {expect}) {text[:300]!r}")
    return status, text


def main():
    work = tempfile.mkdtemp()
    db = os.path.join(work, "sipas.sqlite")
    port = socket.socket()
    port.bind(("127.0.0.1", 0))
    number = port.getsockname()[1]
    port.close()
    server = subprocess.Popen([SIPAS, "serve", "--demo", "--database", db, "--port", str(number)], cwd=work,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{number}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(base + "/healthz")
                break
            except Exception:
                time.sleep(0.5)
        password = open(os.path.join(HERE, "..", "..", "Sources", "SIPASApp", "Setup", "DemoData.swift"), encoding="utf-8").read()
        password = password.split('public static let password = "')[1].split('"')[0]
        _, text = call(base, "POST", "/api/v1/auth/login", body={"username": "snv.langson", "password": password}, expect=200)
        token = json.loads(text)["token"]
        _, text = call(base, "GET", "/api/v1/units?register=2025&level=province&q=lang+son", token)
        province = json.loads(text)["items"][0]["id"]
        _, text = call(base, "GET", f"/api/v1/units?register=2025&level=commune&within={province}&limit=500", token)
        names = ["Xã Văn Quan", "Xã Điềm He", "Xã Khánh Khê", "Xã Yên Phúc", "Xã Tri Lễ", "Xã Tân Đoàn"]
        units = [u["id"] for u in json.loads(text)["items"] if u["name"] in names]
        _, text = call(base, "POST", "/api/v1/campaigns", token, {"code": "LSN-2026-CLI", "year": 2026, "title": "Chọn mẫu 2026",
                        "questionnaire_code": "sipas-2023", "questionnaire_version": 1, "owner_unit_id": province,
                        "units": [{"unit_id": u} for u in units]}, expect=201)
        cid = json.loads(text)["id"]
        sampling = f"/api/v1/campaigns/{cid}/sampling"
        status, _ = call(base, "POST", sampling + "/frame/upload?file_name=khung.csv", token, raw=b"a,b\n1,2\n")
        check(status == 409, f"no sampling in a draft: {status}")
        call(base, "POST", f"/api/v1/campaigns/{cid}/status", token, {"status": "sampling"}, expect=200)
        _, text = call(base, "POST", sampling + "/frame/upload?file_name=khung.csv", token, raw=open(EXAMPLE, "rb").read(), expect=200)
        preview = json.loads(text)
        check(preview["suggested_mapping"].get("unit") == "Đơn vị tiếp nhận", f"the unit column is proposed: {preview['suggested_mapping']}")
        _, text = call(base, "POST", sampling + "/frame/import", token, {"upload_id": preview["upload_id"], "mapping": preview["suggested_mapping"]}, expect=200)
        check(len(json.loads(text)["duplicates"]) == 1, "one person with several dossiers")
        call(base, "POST", sampling + "/frame/fix", token, {"rule": "first"}, expect=200)
        call(base, "PUT", sampling + "/design", token, {"document": "stages:\n  - name: person\n    strata: [ma_don_vi, linh_vuc]\n"
                                                         "    size: {rule: fixed, count: 8}\n    reserves: {count: 4}\n"}, expect=200)
        _, text = call(base, "POST", sampling + "/draws", token, {"seed": "kiểm tra CLI"}, expect=201)
        drawn = json.loads(text)
        call(base, "POST", sampling + "/draws", token, {"seed": "khác"}, expect=422)
        call(base, "DELETE", f"/api/v1/campaigns/{cid}", token, expect=409)
        files = {}
        for name in ["mau.csv", "bien-ban.json", "khung-mau-rut.csv"]:
            _, files[name] = call(base, "GET", f"{sampling}/draws/1/{name}", token, expect=200)
            open(os.path.join(work, name), "wb").write(files[name])
        projection = files["khung-mau-rut.csv"].decode()
        check(projection.startswith("ma_ho_so,ma_don_vi,linh_vuc\n") and "Thôn" not in projection and ",09" not in projection,
              "the projection holds the key and design columns only")
        call(base, "GET", f"{sampling}/draws/1/mau.csv", None, expect=401)
        _, text = call(base, "POST", "/api/v1/sampling/verify", None, {"frame": files["khung-mau-rut.csv"].decode(), "record": files["bien-ban.json"].decode(),
                                                                      "draw": files["mau.csv"].decode()}, expect=200)
        check(json.loads(text)["matches"] is True, f"the API verifies its own draw: {text[:200]!r}")
        # Contacts stay until collection is over: the purge waits for the analysis step.
        call(base, "DELETE", f"{sampling}/frame", token, None, expect=409)
        for step in ["fieldwork", "entry", "analysis"]:
            call(base, "POST", f"/api/v1/campaigns/{cid}/status", token, {"status": step}, expect=200)
    finally:
        server.terminate()
        server.wait()
    verify = [SIPAS, "sample", "verify", "--frame", os.path.join(work, "khung-mau-rut.csv"), "--record", os.path.join(work, "bien-ban.json"),
              "--draw", os.path.join(work, "mau.csv")]
    done = subprocess.run(verify, capture_output=True, text=True)
    check(done.returncode == 0 and "khớp" in done.stdout, f"the command line verifies the server's draw: {done.stdout} {done.stderr}")
    design = os.path.join(work, "design.yaml")
    record = json.load(open(os.path.join(work, "bien-ban.json")))
    check(record["frame"]["sha256"] == drawn["frame_sha256"], "the record names the frame hash the draw reported")
    with open(design, "w", encoding="utf-8") as f:
        f.write("key: ma_ho_so\nstages:\n  - name: person\n    strata: [ma_don_vi, linh_vuc]\n    size: {rule: fixed, count: 8}\n    reserves: {count: 4}\n")
    ref = subprocess.run([sys.executable, os.path.join(HERE, "reference_draw.py"), "--frame", os.path.join(work, "khung-mau-rut.csv"), "--design", design,
                          "--seed", "kiểm tra CLI"], capture_output=True)
    check(ref.stdout == open(os.path.join(work, "mau.csv"), "rb").read(), "the independent implementation reproduces the server's draw")
    purge = subprocess.run([SIPAS, "frame", "purge", "--campaign", "LSN-2026-CLI", "--database", db], capture_output=True, text=True)
    check(purge.returncode == 0 and "Đã xóa" in purge.stdout, f"frame purge: {purge.returncode} {purge.stdout} {purge.stderr}")
    again = subprocess.run([SIPAS, "frame", "purge", "--campaign", "LSN-2026-CLI", "--database", db], capture_output=True, text=True)
    check(again.returncode == 65, f"a second purge is refused: {again.returncode} {again.stderr}")
    key = os.path.join(work, "contacts.key")
    check(os.path.exists(key) and oct(os.stat(key).st_mode & 0o777) == "0o600", "the contacts key is the owner's alone")
    audit = subprocess.run([SIPAS, "audit", "verify", "--database", db], capture_output=True, text=True)
    check(audit.returncode == 0, f"the audit chain verifies after sampling: {audit.stdout[-300:]} {audit.stderr[-300:]}")
    print(f"sampling server to CLI: {checks - len(failures)}/{checks} checks passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
