"""Compares two index tables (sipas vs. the R oracle): same rows, keys and counts; every number
equal to 1e-9 relative (absolute below 1). Exit 1 with the differences listed.

One allowance: where the true variance is 0 (a domain that is one whole PSU — a lonely PSU), the
oracle's delta method over raw totals leaves rounding noise of about 1e-13 in the variance, so its
SE reads ~1e-7 or NaN (blank) instead of 0. There both SEs must be below 1e-5 and the interval
ends within 1e-5 of each other."""
import csv, sys

def read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f))

ours, theirs = read(sys.argv[1]), read(sys.argv[2])
problems = []
if ours[0] != theirs[0]:
    problems.append(f"headers differ: {ours[0]} vs {theirs[0]}")
if len(ours) != len(theirs):
    problems.append(f"row counts differ: {len(ours)} vs {len(theirs)}")
header = ours[0]
numeric = {"estimate", "se", "ci_low", "ci_high"}
worst = 0.0
degenerate_rows = 0
for i, (a, b) in enumerate(zip(ours[1:], theirs[1:]), start=2):
    se_ours, se_theirs = a[header.index("se")], b[header.index("se")]
    if a[header.index("estimate")] and se_ours and float(se_ours) < 1e-5 and (se_theirs == "" or float(se_theirs) < 1e-5):
        degenerate_rows += 1
        for name in ("ci_low", "ci_high"):
            x, y = a[header.index(name)], b[header.index(name)] or a[header.index("estimate")]
            if abs(float(x) - float(y)) > 1e-5:
                problems.append(f"row {i} {name}: {x} vs {y}")
        a = [v for k, v in enumerate(a) if header[k] not in ("se", "ci_low", "ci_high")]
        b = [v for k, v in enumerate(b) if header[k] not in ("se", "ci_low", "ci_high")]
        names = [h for h in header if h not in ("se", "ci_low", "ci_high")]
    else:
        names = header
    for name, x, y in zip(names, a, b):
        if name in numeric:
            if (x == "") != (y == ""):
                problems.append(f"row {i} {name}: {x!r} vs {y!r}")
            elif x:
                fx, fy = float(x), float(y)
                err = abs(fx - fy) / max(abs(fy), 1.0)
                worst = max(worst, err)
                if err > 1e-9:
                    problems.append(f"row {i} {a[:len(header)-8]} {a[-7]} {name}: {x} vs {y} (rel {err:.2e})")
        elif x != y:
            problems.append(f"row {i} {name}: {x!r} vs {y!r}")
for p in problems[:30]:
    print("  " + p)
print(f"  {len(ours) - 1} rows ({degenerate_rows} with zero variance), largest relative difference {worst:.2e}" + ("" if not problems else f", {len(problems)} problems"))
sys.exit(1 if problems else 0)
