#!/usr/bin/env python3
"""An independent implementation of shared/spec/sampling-method.md (§1-§6, §11), written from the
text alone, to check the product's draws case for case. Standard library plus PyYAML.

    reference_draw.py --frame F.csv [--areas A.csv ...] --design D.yaml --seed S
        prints the draw CSV on stdout; the frame hash and area hashes on stderr as JSON
"""
import argparse, csv, hashlib, io, json, math, struct, sys, unicodedata

import yaml

Z = 1.959964


def nfc(text):
    return unicodedata.normalize("NFC", text)


def uniform(seed, *parts):
    message = "|".join([nfc(seed)] + [nfc(p) for p in parts]).encode("utf-8")
    (high,) = struct.unpack(">Q", hashlib.sha256(message).digest()[:8])
    return (high >> 11) / 2.0**53


def code_points(text):
    return [ord(c) for c in text]


def canonical_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def read_table(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def projection_hash(header, rows, columns, key_column):
    keep = sorted(header.index(c) for c in set(columns))
    key_index = header.index(key_column)
    body = sorted(([nfc(r[i]) for i in keep] for r in rows), key=lambda r: code_points(nfc(r[keep.index(key_index)])))
    data = canonical_csv([[nfc(header[i]) for i in keep]] + body)
    return hashlib.sha256(data).hexdigest(), len(rows)


def size_of(rule, N):
    if N <= 0:
        return 0
    kind = rule["rule"]
    if kind == "fixed":
        return min(rule["count"], N)
    e = rule.get("e", 0.05)
    if kind == "yamane":
        n = math.ceil(N / (1 + N * e * e))
    else:
        p, deff, rr = rule.get("p", 0.5), rule.get("deff", 1), rule.get("rr", 1)
        n0 = Z * Z * p * (1 - p) / (e * e)
        n1 = n0 / (1 + (n0 - 1) / N)
        n = math.ceil(n1 * deff / rr)
    return min(n, N)


def largest_remainder(n, keys, sizes, method, shares):
    if not keys:
        return {}
    if method == "proportional":
        total = sum(sizes[k] for k in keys)
        quotas = [n * sizes[k] / total if total else 0 for k in keys]
    elif method == "equal":
        quotas = [n / len(keys) for _ in keys]
    else:
        weights = [sizes[k] * math.sqrt(shares.get(k, 0.5) * (1 - shares.get(k, 0.5))) for k in keys]
        total = sum(weights)
        quotas = [n * w / total if total else 0 for w in weights]
    result = {k: math.floor(q) for k, q in zip(keys, quotas)}
    left = n - sum(result.values())
    ranked = sorted(range(len(keys)), key=lambda i: (-(quotas[i] - math.floor(quotas[i])), i))
    for i in ranked:
        if left <= 0:
            break
        result[keys[i]] += 1
        left -= 1
    return result


def allocate(n, sizes, allocation):
    method, minimum, shares = allocation.get("method", "proportional"), allocation.get("min", 0), allocation.get("p", {}) or {}
    if n > sum(sizes.values()):
        raise SystemExit("total exceeds the frame")
    if sum(min(minimum, s) for s in sizes.values()) > n:
        raise SystemExit("minimums exceed the total")
    fixed = {}
    free = sorted(sizes, key=code_points)
    while True:
        quotas = largest_remainder(n - sum(fixed.values()), free, sizes, method, shares)
        changed = False
        for k in free:
            if quotas[k] < min(minimum, sizes[k]):
                fixed[k] = min(minimum, sizes[k]); changed = True
            elif quotas[k] > sizes[k]:
                fixed[k] = sizes[k]; changed = True
        if not changed:
            return {**quotas, **fixed}
        free = [k for k in free if k not in fixed]
        if not free:
            return fixed


def reserves_of(rule, n, N):
    wanted = math.ceil(rule["ratio"] * n) if "ratio" in rule else rule["count"]
    return max(0, min(wanted, N - n))


def pps(areas, n, seed, stage, parent):
    n = min(n, len(areas))
    remaining = list(areas)
    certain = set()
    while n > 0:
        total = sum(x for _, x in remaining)
        sure = [k for k, x in remaining if n * x / total >= 1]
        if not sure:
            break
        certain.update(sure)
        remaining = [(k, x) for k, x in remaining if k not in certain]
        n -= len(sure)
    chosen = {}
    if n > 0:
        total = sum(x for _, x in remaining)
        k = total / n
        start = uniform(seed, stage, parent, "start") * k
        cumulative, j = 0.0, 0
        for key, x in remaining:
            if j >= n:
                break
            lower = cumulative
            cumulative += x
            point = start + j * k
            if lower <= point < cumulative:
                chosen[key] = n * x / total
                j += 1
    picks = []
    for key, _ in areas:
        if key in certain:
            picks.append((key, "certainty", 1.0))
        elif key in chosen:
            picks.append((key, "sample", chosen[key]))
    return picks


def draw(frame_path, area_paths, design, seed):
    lines = []
    stages = design["stages"]
    selected = None
    area_hashes = []
    for stage, path in zip(stages[:-1], area_paths):
        header, rows = read_table(path)
        cols = [stage["parent"], stage["key"]] + ([stage["size"]] if stage["method"] == "pps" else [])
        area_hashes.append(projection_hash(header, rows, cols, stage["key"]))
        pi, ki = header.index(stage["parent"]), header.index(stage["key"])
        by_parent = {}
        for r in rows:
            parent, key = nfc(r[pi]), nfc(r[ki])
            if selected is not None and parent not in selected:
                continue
            size = float(r[header.index(stage["size"])]) if stage["method"] == "pps" else 1.0
            by_parent.setdefault(parent, []).append((key, size))
        now = {}
        for parent in sorted(by_parent, key=code_points):
            members = sorted(by_parent[parent], key=lambda a: code_points(a[0]))
            if stage["method"] == "pps":
                picks = pps(members, stage["n"], seed, stage["name"], parent)
            else:
                ranked = sorted(members, key=lambda a: (uniform(seed, stage["name"], parent, a[0]), code_points(a[0])))
                m = min(stage["n"], len(members))
                picks = [(k, "sample", m / len(members)) for k, _ in ranked[:m]]
            for order, (key, role, p) in enumerate(picks, 1):
                lines.append([stage["name"], parent, key, role, str(order), repr(p)])
                now[key] = True
        selected = now
    person = stages[-1]
    header, rows = read_table(frame_path)
    key_column = design.get("key") or header[0]
    within = person.get("within")
    strata_cols = ([within] if within else []) + list(person.get("strata") or [])
    frame_hash = projection_hash(header, rows, [key_column] + strata_cols, key_column)
    ki = header.index(key_column)
    idx = [header.index(c) for c in strata_cols]
    strata = {}
    for r in rows:
        if within and nfc(r[header.index(within)]) not in selected:
            continue
        h = "/".join(nfc(r[i]) for i in idx)
        strata.setdefault(h, []).append(nfc(r[ki]))
    sizes = {h: len(v) for h, v in strata.items()}
    rule = person["size"]
    if person.get("scope", "per-stratum") == "per-stratum":
        n_h = {h: size_of(rule, N) for h, N in sizes.items()}
    else:
        N = sum(sizes.values())
        if rule["rule"] == "fixed" and rule["count"] > N:
            raise SystemExit("more than the frame holds")
        n_h = allocate(size_of(rule, N), sizes, person.get("allocation") or {})
    reserve_rule = person.get("reserves") or {"ratio": 0.5}
    name = person.get("name", "person")
    for h in sorted(strata, key=code_points):
        keys = strata[h]
        ranked = sorted(keys, key=lambda k: (uniform(seed, name, h, k), code_points(k)))
        n = n_h[h]
        r = reserves_of(reserve_rule, n, len(keys))
        p = n / len(keys)
        for order, key in enumerate(ranked[: n + r], 1):
            lines.append([name, h, key, "sample" if order <= n else "reserve", str(order), repr(p)])
    return canonical_csv([["stage", "stratum", "key", "role", "order", "pi"]] + lines), frame_hash, area_hashes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--frame", required=True)
    parser.add_argument("--areas", action="append", default=[])
    parser.add_argument("--design", required=True)
    parser.add_argument("--seed", required=True)
    args = parser.parse_args()
    with open(args.design, encoding="utf-8") as f:
        design = yaml.load(f, Loader=yaml.BaseLoader)
    design = json.loads(json.dumps(design), parse_int=int)
    normalise(design)
    data, frame_hash, area_hashes = draw(args.frame, args.areas, design, args.seed)
    sys.stdout.buffer.write(data)
    json.dump({"frame": frame_hash, "areas": area_hashes}, sys.stderr)


def normalise(design):
    """BaseLoader keeps every scalar as text (so codes keep their zeros); numbers become numbers here."""
    for stage in design["stages"]:
        if "n" in stage:
            stage["n"] = int(stage["n"])
        size = stage.get("size")
        if isinstance(size, dict):
            for k in ("e", "p", "deff", "rr"):
                if k in size:
                    size[k] = float(size[k])
            if "count" in size:
                size["count"] = int(size["count"])
        allocation = stage.get("allocation")
        if allocation:
            if "min" in allocation:
                allocation["min"] = int(allocation["min"])
            if "p" in allocation:
                allocation["p"] = {k: float(v) for k, v in allocation["p"].items()}
        reserves = stage.get("reserves")
        if reserves:
            if "ratio" in reserves:
                reserves["ratio"] = float(reserves["ratio"])
            if "count" in reserves:
                reserves["count"] = int(reserves["count"])


if __name__ == "__main__":
    main()
