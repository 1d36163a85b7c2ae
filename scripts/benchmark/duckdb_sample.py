#!/usr/bin/env python3
"""DuckDB doing the same selection as `sipas sample draw` with a per-commune Yamane design: a
SHA-256 per row (seed|person|stratum|key), a window over strata keeping the n_h + r_h smallest.
Prints its wall time in seconds; with --check DRAW.csv, the number of selected keys that differ.

    duckdb_sample.py FRAME.csv SEED E [--check DRAW.csv]
"""
import sys, time

import duckdb

frame, seed, e = sys.argv[1], sys.argv[2], float(sys.argv[3])
start = time.perf_counter()
con = duckdb.connect()
selected = con.execute(f"""
    WITH hashed AS (
        SELECT ma_ho_so AS key, ma_xa AS stratum,
               sha256(? || '|person|' || ma_xa || '|' || ma_ho_so) AS h,
               count(*) OVER (PARTITION BY ma_xa) AS n_rows
        FROM read_csv('{frame}', header = true, all_varchar = true)
    ), sized AS (
        SELECT *, least(ceil(n_rows / (1 + n_rows * {e} * {e})), n_rows) AS n FROM hashed
    ), ranked AS (
        SELECT key, stratum, n, n_rows, row_number() OVER (PARTITION BY stratum ORDER BY substr(h, 1, 14), key) AS rank
        FROM sized
    )
    SELECT stratum, key, rank FROM ranked
    WHERE rank <= n + least(ceil(0.5 * n), n_rows - n)
    ORDER BY stratum, rank
""", [seed]).fetchall()
elapsed = time.perf_counter() - start
if "--check" in sys.argv:
    import csv
    draw = sys.argv[sys.argv.index("--check") + 1]
    mine = {(r["stratum"], r["key"], int(r["order"])) for r in csv.DictReader(open(draw, encoding="utf-8"))}
    theirs = set(selected)
    print(len(mine ^ theirs))
else:
    print(f"{elapsed:.3f}")
