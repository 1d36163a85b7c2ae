#!/usr/bin/env python3
"""Compares `sipas sample draw` with reference_draw.py, an independent implementation of
sampling-method.md, case for case on frames with Vietnamese text, leading-zero codes, ties, tiny
strata, strata smaller than their minimum and certainty areas; then checks verify, hash, the XLSX
path and that bad input is refused with a message naming its place.

    check_draws.py path/to/sipas
"""
import csv, json, os, random, subprocess, sys, tempfile, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SIPAS = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/sipas")
failures = []
checks = 0


def check(condition, what):
    global checks
    checks += 1
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def write_csv(path, header, rows, newline="\n"):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator=newline)
        writer.writerow(header)
        writer.writerows(rows)


def run(*args):
    return subprocess.run([SIPAS, *args], capture_output=True, text=True)


def reference(frame, areas, design, seed):
    args = [sys.executable, os.path.join(HERE, "reference_draw.py"), "--frame", frame, "--design", design, "--seed", seed]
    for a in areas:
        args += ["--areas", a]
    done = subprocess.run(args, capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode())
    return done.stdout, json.loads(done.stderr)


SERVICES = ["Tư pháp", "Đất đai", "Hộ tịch", "Xây dựng, nhà ở", 'Lĩnh vực "khác"']
UNITS = ["06253", "06256", "00123", "06280", "0001"]


def person_frame(rng, rows, units=UNITS, tiny=True):
    out = []
    for i in range(rows):
        unit = rng.choice(units)
        name = unicodedata.normalize("NFD", "Nguyễn Văn Ấn") if i % 7 == 0 else "Trần Thị Bé"
        out.append([f"HS-{rng.randrange(10**9):09d}-{i}", unit, rng.choice(SERVICES), name, f"09{rng.randrange(10**8):08d}"])
    if tiny:
        out.append(["HS-tiny-1", "99999", "Tư pháp", "Lê Tí", "0900000001"])
        out.append(["HS-tiny-2", "88888", "Tư pháp", "Lê Tèo", "0900000002"])
        out.append(["HS-tiny-3", "88888", "Tư pháp", "Lê Tũn", "0900000003"])
    rng.shuffle(out)
    return ["ma_ho_so", "ma_xa", "linh_vuc", "ho_ten", "dien_thoai"], out


def draw_case(tmp, name, header, rows, design_text, seed, areas=(), newline="\n"):
    frame = os.path.join(tmp, f"{name}.csv")
    design = os.path.join(tmp, f"{name}.yaml")
    out = os.path.join(tmp, f"{name}-draw.csv")
    write_csv(frame, header, rows, newline)
    with open(design, "w", encoding="utf-8") as f:
        f.write(design_text)
    done = run("sample", "draw", "--frame", frame, *sum([["--areas", a] for a in areas], []), "--design", design, "--seed", seed, "--out", out)
    check(done.returncode == 0, f"{name}: draw exits 0 ({done.stderr.strip()[:400]})")
    if done.returncode != 0:
        return None
    expected, hashes = reference(frame, list(areas), design, seed)
    mine = open(out, "rb").read()
    if mine != expected:
        a, b = mine.decode().split("\n"), expected.decode().split("\n")
        first = next((i for i in range(max(len(a), len(b))) if (a[i:i+1] or [None]) != (b[i:i+1] or [None])), None)
        check(False, f"{name}: draw equals the independent implementation (first difference at line {first + 1}: sipas {a[first:first+1]} reference {b[first:first+1]})")
    else:
        check(True, f"{name}: draw equals the independent implementation")
    record = json.load(open(out[:-4] + ".json"))
    check(record["frame"]["sha256"] == hashes["frame"][0] and record["frame"]["rows"] == hashes["frame"][1],
          f"{name}: the record's frame hash equals the reference's ({record['frame']} vs {hashes['frame']})")
    for mine_area, ref_area in zip(record.get("areas", []), hashes["areas"]):
        check(mine_area["sha256"] == ref_area[0], f"{name}: areas hash of stage {mine_area['stage']} equals the reference's")
    check(record["method"] == "sampling-method/11" and record["seed"] == unicodedata.normalize("NFC", seed), f"{name}: record method and seed")
    verified = run("sample", "verify", "--frame", frame, *sum([["--areas", a] for a in areas], []), "--record", out[:-4] + ".json", "--draw", out)
    check(verified.returncode == 0 and "khớp" in verified.stdout, f"{name}: verify says khớp ({verified.stdout.strip()[:300]} {verified.stderr.strip()[:300]})")
    hashed = run("sample", "hash", frame, "--design", design)
    check(hashed.stdout.split()[:1] == [hashes["frame"][0]], f"{name}: sample hash prints the frame hash")
    return frame, design, out, mine


def main():
    rng = random.Random(20261205)
    with tempfile.TemporaryDirectory() as tmp:
        header, rows = person_frame(rng, 3000)
        single = draw_case(tmp, "yamane-per-unit", header, rows, """
key: ma_ho_so
stages:
  - name: person
    method: srs
    strata: [ma_xa]
    size: {rule: yamane, e: 0.1}
""", "Lạng Sơn 2026")
        draw_case(tmp, "unit-by-field-crlf", header, rows, """
stages:
  - name: nguoi
    strata: [ma_xa, linh_vuc]
    size: {rule: fixed, count: 12}
    reserves: {count: 3}
""", "0123456789abcdef0123456789abcdef", newline="\r\n")
        draw_case(tmp, "total-proportional-min", header, rows, """
stages:
  - name: person
    strata: [ma_xa]
    size: {rule: yamane, e: 0.05}
    scope: total
    allocation: {method: proportional, min: 30}
""", "seed-2")
        ties = [[f"K{u}{i:04d}", u, "Tư pháp", "A", "0"] for u in ["01", "02", "03", "04", "05", "06", "07"] for i in range(10)]
        draw_case(tmp, "ties-equal", header, ties, """
stages:
  - name: person
    strata: [ma_xa]
    size: {rule: fixed, count: 10}
    scope: total
    allocation: {method: equal}
    reserves: {ratio: 0.25}
""", "ties")
        draw_case(tmp, "neyman-cochran", header, rows, """
stages:
  - name: person
    strata: [linh_vuc]
    size: {rule: cochran, e: 0.05, p: 0.5, deff: 1.5, rr: 0.8}
    scope: total
    allocation: {method: neyman, min: 2, p: {"Tư pháp": 0.9, "Đất đai": 0.7}}
""", "neyman")
        draw_case(tmp, "cochran-per-stratum", header, rows, """
stages:
  - name: person
    strata: [ma_xa]
    size: {rule: cochran, e: 0.08, deff: 1.2, rr: 0.7}
    reserves: {ratio: 0.5}
""", "c")
        multi_stage(tmp, rng)
        if single:
            bad_inputs(tmp, *single)
        xlsx_frame(tmp, header, rows)
    print(f"sampling: {checks - len(failures)}/{checks} checks passed")
    sys.exit(1 if failures else 0)


def multi_stage(tmp, rng):
    # Communes of two provinces (one huge: a certainty area), villages of each, people of each village.
    communes, villages, people = [], [], []
    for province in ["20", "04"]:
        for c in range(12):
            code = f"{province}{c:03d}"
            size = 90000 if c == 0 else rng.randrange(800, 9000)
            communes.append([province, code, str(size), f"Xã số {c}"])
            for v in range(rng.randrange(2, 7)):
                vcode = f"{code}-{v:02d}"
                villages.append([code, vcode, str(rng.randrange(20, 400))])
                for p in range(rng.randrange(5, 40)):
                    people.append([f"{vcode}-{p:03d}", vcode, rng.choice(["Nam", "Nữ"]), "Họ Tên"])
    rng.shuffle(people)
    write_csv(os.path.join(tmp, "communes.csv"), ["ma_tinh", "ma_xa", "dan_so", "ten"], communes)
    write_csv(os.path.join(tmp, "villages.csv"), ["ma_xa", "ma_thon", "so_ho"], villages)
    draw_case(tmp, "three-stage-pps", ["ma_nguoi", "ma_thon", "gioi_tinh", "ho_ten"], people, """
key: ma_nguoi
stages:
  - {name: xa, method: pps, parent: ma_tinh, key: ma_xa, size: dan_so, n: 4}
  - {name: thon, method: pps, parent: ma_xa, key: ma_thon, size: so_ho, n: 2}
  - name: person
    within: ma_thon
    strata: [gioi_tinh]
    size: {rule: fixed, count: 5}
""", "multi", areas=(os.path.join(tmp, "communes.csv"), os.path.join(tmp, "villages.csv")))
    draw_case(tmp, "area-srs", ["ma_nguoi", "ma_thon", "gioi_tinh", "ho_ten"], people, """
key: ma_nguoi
stages:
  - {name: thon, method: srs, parent: ma_xa, key: ma_thon, n: 1}
  - name: person
    within: ma_thon
    size: {rule: fixed, count: 3}
""", "srs-areas", areas=(os.path.join(tmp, "villages.csv"),))


def bad_inputs(tmp, frame, design, out, draw_bytes):
    def refused(args, needle, what):
        done = run(*args)
        check(done.returncode == 65 and needle in done.stderr, f"bad input: {what} (exit {done.returncode}: {done.stderr.strip()[:300]})")

    def design_file(name, text):
        path = os.path.join(tmp, name)
        open(path, "w", encoding="utf-8").write(text)
        return path

    # A draw edited by one line: verify names that line.
    lines = draw_bytes.decode().split("\n")
    lines[5] = lines[5].replace("sample", "reserve") if "sample" in lines[5] else lines[5] + "x"
    tampered = os.path.join(tmp, "tampered.csv")
    open(tampered, "w", encoding="utf-8").write("\n".join(lines))
    done = run("sample", "verify", "--frame", frame, "--record", out[:-4] + ".json", "--draw", tampered)
    check(done.returncode == 1 and "dòng 6" in done.stdout, f"verify names the first differing line ({done.stdout.strip()[:200]})")
    # The wrong frame: verify names the hash difference.
    other = os.path.join(tmp, "other-frame.csv")
    rows = list(csv.reader(open(frame, encoding="utf-8")))
    write_csv(other, rows[0], rows[1:-1])
    done = run("sample", "verify", "--frame", other, "--record", out[:-4] + ".json", "--draw", out)
    check(done.returncode == 1 and "sha256" in done.stdout, f"verify with the wrong frame names the hash difference ({done.stdout.strip()[:200]})")
    # The projection alone verifies like the whole frame.
    projection = os.path.join(tmp, "projection.csv")
    write_csv(projection, ["ma_hs", "ma_xa"], [])
    header = rows[0]
    write_csv(projection, [header[0], header[1]], [[r[0], r[1]] for r in rows[1:]])
    done = run("sample", "verify", "--frame", projection, "--record", out[:-4] + ".json", "--draw", out)
    check(done.returncode == 0, f"verify accepts the draw projection without contact columns ({done.stdout.strip()[:200]})")

    base = ["sample", "draw", "--frame", frame, "--seed", "x", "--out", os.path.join(tmp, "bad.csv")]
    refused(base[:-4] + ["--seed", "", "--out", os.path.join(tmp, "bad.csv"), "--design", design], "hạt giống", "an empty seed")
    refused(base + ["--design", design_file("unknown.yaml", "stages:\n  - name: p\n    size: {rule: yamane}\n    colour: red\n")],
            "colour", "an unknown design field")
    refused(base + ["--design", design_file("toomany.yaml", "stages:\n  - name: p\n    size: {rule: fixed, count: 999999}\n    scope: total\n")],
            "khung mẫu chỉ có", "a design asking for more than the frame holds")
    refused(base + ["--design", design_file("mins.yaml", "stages:\n  - name: p\n    strata: [ma_xa]\n    size: {rule: fixed, count: 20}\n    scope: total\n    allocation: {min: 10}\n")],
            "tối thiểu", "minimums that exceed the total")
    refused(base + ["--design", design_file("nocol.yaml", "stages:\n  - name: p\n    strata: [huyen]\n    size: {rule: yamane}\n")],
            "huyen", "a stratum column the frame does not have")
    refused(base + ["--design", design_file("tiny-e.yaml", "stages:\n  - name: p\n    size: {rule: cochran, e: 1e-300}\n")], "sai số", "an absurd margin is refused, not a crash")
    refused(base + ["--design", design_file("huge-ratio.yaml", "stages:\n  - name: p\n    size: {rule: yamane}\n    reserves: {ratio: 1e300}\n")], "dự phòng", "an absurd reserve ratio is refused")
    record = json.load(open(out[:-4] + ".json"))
    record["design"]["stages"][-1]["size"] = {"rule": "yamane", "e": 1e-200}
    hostile = os.path.join(tmp, "hostile.json")
    json.dump(record, open(hostile, "w"))
    done = run("sample", "verify", "--frame", frame, "--record", hostile, "--draw", out)
    check(done.returncode == 65 and "sai số" in done.stderr, f"a record with an absurd design is refused ({done.returncode}: {done.stderr[:200]})")
    dup = os.path.join(tmp, "dup.csv")
    write_csv(dup, rows[0], rows[1:] + [rows[3]])
    refused(["sample", "draw", "--frame", dup, "--design", design, "--seed", "x", "--out", os.path.join(tmp, "bad.csv")], "lặp lại", "a duplicate key")
    empty = os.path.join(tmp, "emptykey.csv")
    write_csv(empty, rows[0], rows[1:4] + [[""] + rows[4][1:]])
    refused(["sample", "draw", "--frame", empty, "--design", design, "--seed", "x", "--out", os.path.join(tmp, "bad.csv")], ":5", "an empty key, by line")
    utf16 = os.path.join(tmp, "utf16.csv")
    open(utf16, "wb").write(open(frame, encoding="utf-8").read().encode("utf-16"))
    refused(["sample", "draw", "--frame", utf16, "--design", design, "--seed", "x", "--out", os.path.join(tmp, "bad.csv")], "UTF-16", "a CSV in UTF-16")
    cp = os.path.join(tmp, "cp1258.csv")
    open(cp, "wb").write("ma_ho_so,ma_xa\nHS1,Tân\n".encode("cp1258"))
    refused(["sample", "draw", "--frame", cp, "--design", design, "--seed", "x", "--out", os.path.join(tmp, "bad.csv")], "Windows-1258", "a CSV in Windows-1258")
    areas = os.path.join(tmp, "zero.csv")
    write_csv(areas, ["ma_tinh", "ma_xa", "dan_so"], [["20", "20001", "100"], ["20", "20002", "0"]])
    pps = design_file("pps.yaml", "stages:\n  - {name: xa, method: pps, parent: ma_tinh, key: ma_xa, size: dan_so, n: 1}\n  - {name: p, within: ma_xa, size: {rule: fixed, count: 1}}\n")
    refused(["sample", "draw", "--frame", frame, "--areas", areas, "--design", pps, "--seed", "x", "--out", os.path.join(tmp, "bad.csv")],
            "lớn hơn 0", "pps with a zero size")
    nosize = design_file("nosize.yaml", "stages:\n  - {name: xa, method: pps, parent: ma_tinh, key: ma_xa, n: 1}\n  - {name: p, within: ma_xa, size: {rule: fixed, count: 1}}\n")
    refused(["sample", "draw", "--frame", frame, "--areas", areas, "--design", nosize, "--seed", "x", "--out", os.path.join(tmp, "bad.csv")],
            "size", "pps without a size column")


def xlsx_frame(tmp, header, rows):
    try:
        import openpyxl
    except ImportError:
        print("skip: openpyxl is not installed")
        return
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    path = os.path.join(tmp, "frame.xlsx")
    book.save(path)
    csv_path = os.path.join(tmp, "frame-same.csv")
    write_csv(csv_path, header, rows)
    design = os.path.join(tmp, "x.yaml")
    open(design, "w").write("stages:\n  - name: person\n    strata: [ma_xa]\n    size: {rule: yamane, e: 0.1}\n")
    a = run("sample", "draw", "--frame", path, "--design", design, "--seed", "s", "--out", os.path.join(tmp, "x1.csv"))
    b = run("sample", "draw", "--frame", csv_path, "--design", design, "--seed", "s", "--out", os.path.join(tmp, "x2.csv"))
    check(a.returncode == 0 and b.returncode == 0 and open(os.path.join(tmp, "x1.csv"), "rb").read() == open(os.path.join(tmp, "x2.csv"), "rb").read(),
          f"an XLSX frame draws as its CSV ({a.stderr.strip()[:300]})")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows[:20]:
        sheet.append(r)
    sheet.merge_cells("B3:B5")
    merged = os.path.join(tmp, "merged.xlsx")
    book.save(merged)
    done = run("sample", "draw", "--frame", merged, "--design", design, "--seed", "s", "--out", os.path.join(tmp, "x3.csv"))
    check(done.returncode == 65 and "B3:B5" in done.stderr, f"merged cells in the data area are refused ({done.stderr.strip()[:200]})")
    book.create_sheet("Khác").append(["a", "b"])
    book["Khác"].append(["1", "2"])
    two = os.path.join(tmp, "two.xlsx")
    book.save(two)
    done = run("sample", "draw", "--frame", two, "--design", design, "--seed", "s", "--out", os.path.join(tmp, "x4.csv"))
    check(done.returncode == 65 and "Khác" in done.stderr, f"several sheets with data are refused, named ({done.stderr.strip()[:200]})")


if __name__ == "__main__":
    main()
