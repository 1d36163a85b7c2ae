"""The point estimates of `sipas index --by unit` for sipas-2017, computed by DuckDB (all cores):
criterion = weighted share of 4-5 among valid answers (E1-E4 only where E0 = 1), element = mean of
its defined criteria, SIPAS = mean of defined elements. Prints the elapsed seconds, and with
--check FILE compares every estimate with sipas's CSV output."""
import sys, time, csv
import duckdb

elements = {"A": ["A1", "A2", "A3", "A4"], "B": ["B1", "B2", "B3", "B4", "B5"],
            "C": ["C1", "C2", "C3", "C4", "C5", "C6"], "D": ["D1", "D2", "D3"], "E": ["E1", "E2", "E3", "E4"]}

def query(path):
    leaves = []
    for items in elements.values():
        for q in items:
            valid = f"{q} IS NOT NULL" + (" AND E0 = 1" if q.startswith("E") else "")
            leaves.append(f"100.0 * sum(CASE WHEN {valid} AND {q} IN (4, 5) THEN weight END)"
                          f" / sum(CASE WHEN {valid} THEN weight END) AS {q}")
    element_sql = [f"({' + '.join(f'coalesce({q}, 0)' for q in items)}) / nullif({' + '.join(f'({q} IS NOT NULL)::INT' for q in items)}, 0) AS {e}"
                   for e, items in elements.items()]
    root = f"({' + '.join(f'coalesce({e}, 0)' for e in elements)}) / nullif({' + '.join(f'({e} IS NOT NULL)::INT' for e in elements)}, 0) AS SIPAS"
    return f"""
        WITH leaf AS (SELECT unit, {', '.join(leaves)} FROM read_csv('{path}', header = true) GROUP BY unit),
             element AS (SELECT *, {', '.join(element_sql)} FROM leaf)
        SELECT *, {root} FROM element ORDER BY unit"""

path = sys.argv[1]
start = time.perf_counter()
con = duckdb.connect()
result = con.execute(query(path))
names = [d[0] for d in result.description]
rows = result.fetchall()
elapsed = time.perf_counter() - start
print(f"{elapsed:.3f}")
if len(sys.argv) > 3 and sys.argv[2] == "--check":
    ours = {}
    with open(sys.argv[3], newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            ours[(r["unit"], r["node"])] = float(r["estimate"]) if r["estimate"] else None
    worst = 0.0
    for row in rows:
        for name, value in zip(names, row):
            if name == "unit" or value is None:
                continue
            mine = ours[(row[0], name)]
            worst = max(worst, abs(mine - value) / max(1.0, abs(value)))
    status = "agree" if worst < 1e-9 else "DISAGREE"
    print(f"check: {len(rows)} units x {len(names) - 1} estimates {status} with sipas (largest relative difference {worst:.1e})", file=sys.stderr)
    sys.exit(0 if worst < 1e-9 else 1)
