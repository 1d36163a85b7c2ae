"""An independent disclosure auditor: what can an attacker holding every released figure solve?

Written apart from the server's code, from docs/disclosure-control.md's threat model only. For
each audience (the ministry analyst, a commune viewer, the public) it collects every table the
server releases to it — the index by every declared grouping, the re-estimate on the 2025
successors and its left-out count from the change dashboard, the public open data — across
every release of a campaign (before and after late responses), and solves, by linear programming
(SciPy's HiGHS), the feasible range of every small group's respondents and of its satisfied
share per question, as τ-ARGUS and R's sdcTable audit a suppression pattern:

- variables: per atom (a measured unit, or a unit × breakdown value) and per release layer
  (the responses added since the previous release): respondents n ≥ 0 and satisfied answers
  0 ≤ s ≤ n of one leaf question;
- equations: every released cell, n and estimate·n/100 (with weights of 1 these are exact
  counts); a cell released without its n (the re-estimate) gives s − estimate/100·n = 0;
- it fails when a small group's number of respondents is determined, or its satisfied share is
  narrowed to less than ±LEVEL (default 10 points; within [0, 100 %]) — the small groups being
  every cell with fewer respondents than the floor, and every change between two releases of
  fewer than the floor.

Usage: audit_releases.py BASE_URL PASSWORD [--level 0.10] [--demo-only]
Prints "disclosure audit: N passed, M failed".
"""
import argparse
import csv
import io
import itertools
import json
import random
import sys
import urllib.error
import urllib.request

import numpy as np
from scipy.optimize import linprog

parser = argparse.ArgumentParser()
parser.add_argument("base")
parser.add_argument("password")
parser.add_argument("--level", type=float, default=0.10)
parser.add_argument("--demo-only", action="store_true")
parser.add_argument("--registers", default="Sources/SIPASStore/Registers/units-2025-from-legacy.csv")
args = parser.parse_args()
BASE = args.base.rstrip("/")
passed = failed = 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL", what, detail)


class Client:
    def __init__(self, username=None):
        self.token = None
        if username:
            reply = self.call("POST", "/api/v1/auth/login", {"username": username, "password": args.password})
            self.token = reply["token"]

    def call(self, method, path, body=None, content_type="application/json", raw=False):
        data = None
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        request = urllib.request.Request(BASE + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", content_type)
        if self.token:
            request.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(request) as reply:
                text = reply.read().decode()
        except urllib.error.HTTPError as error:
            return {"status": error.code, "body": error.read().decode()}
        return text if raw else json.loads(text)


# ---------------------------------------------------------------- what each audience is shown

def released(client, campaign, breakdowns, earlier=None):
    """Every released row, as (table, group, node, n or None, estimate)."""
    rows = []
    tables = {"total": "", "unit": "unit", "province": "province"}
    tables.update({b: b for b in breakdowns})
    for table, by in tables.items():
        reply = client.call("GET", f"/api/v1/campaigns/{campaign}/index?by={by}&format=json")
        if "rows" not in reply:
            continue
        for r in reply["rows"]:
            if r["estimate"] is None:
                continue
            group = r.get(by, "") if by else ""
            rows.append((table, str(group), r["node"], r["n"], r["estimate"]))
    if earlier is not None:
        reply = client.call("GET", f"/api/v1/campaigns/{earlier['later']}/dashboard/change?since={campaign}")
        if "rows" in reply:
            left_out = reply.get("left_out")
            for r in reply["rows"]:
                if r["unit"] == "" and r["earlier"] is not None:
                    rows.append(("total@2025", "", r["node"], None, r["earlier"]))
            if left_out is not None:
                rows.append(("left-out@2025", "", "*", left_out, None))
    return rows


def public_rows(code):
    client = Client()
    text = client.call("GET", f"/public/{code}/data/units.csv", raw=True)
    if isinstance(text, dict):
        return []
    rows = []
    for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        if r["estimate"]:
            rows.append(("unit", r["unit_code"].lstrip("'"), r["node"], int(r["n"]), float(r["estimate"])))
    text = client.call("GET", f"/public/{code}/data/campaign.csv", raw=True)
    if not isinstance(text, dict):
        for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
            if r["estimate"]:
                rows.append(("total", "", r["node"], int(r["n"]), float(r["estimate"])))
    return rows


# ---------------------------------------------------------------- the truth (administrator)

def truth(admin, campaign, breakdowns):
    """Per unit (and unit × value of each breakdown): per node (n, satisfied mass)."""
    out = {}
    for b in [None] + breakdowns:
        by = "unit" if b is None else f"unit,{b}"
        reply = admin.call("GET", f"/api/v1/campaigns/{campaign}/index?by={by}&format=json&min_n=0")
        cells = {}
        for r in reply["rows"]:
            atom = r["unit"] if b is None else (r["unit"], str(r[b]))
            cells.setdefault(atom, {})[r["node"]] = (r["n"], (r["estimate"] or 0) * r["n"] / 100)
        out[b] = cells
    return out


# ---------------------------------------------------------------- the linear programmes

class Model:
    """One leaf question (or the respondents) of one family, over several release layers."""

    def __init__(self, atoms, layers):
        self.atoms, self.layers = atoms, layers
        self.index = {(l, a): i for i, (l, a) in enumerate(itertools.product(range(layers), atoms))}
        self.size = len(self.index)  # n variables; s variables follow
        self.rows, self.rhs = [], []

    def n(self, l, a):
        return self.index[(l, a)]

    def s(self, l, a):
        return self.size + self.index[(l, a)]

    def add(self, release, atoms, n, estimate):
        members = [(l, a) for l in range(release + 1) for a in atoms]
        if not members:
            return
        if n is not None:
            row = np.zeros(2 * self.size)
            for m in members:
                row[self.n(*m)] = 1
            self.rows.append(row)
            self.rhs.append(n)
        if estimate is not None:
            row = np.zeros(2 * self.size)
            for m in members:
                row[self.s(*m)] = 1
                if n is None:
                    row[self.n(*m)] = -estimate / 100
            self.rows.append(row)
            self.rhs.append(estimate * n / 100 if n is not None else 0)

    def _bounds(self):
        # s ≤ n for every variable pair.
        ub = np.zeros((self.size, 2 * self.size + 1))
        for i in range(self.size):
            ub[i, self.size + i] = 1
            ub[i, i] = -1
        return ub

    def count_range(self, members):
        c = np.zeros(2 * self.size)
        for m in members:
            c[self.n(*m)] = 1
        a_eq = np.array(self.rows) if self.rows else None
        b_eq = np.array(self.rhs) if self.rows else None
        ub = self._bounds()[:, :-1]
        lo = linprog(c, A_ub=ub, b_ub=np.zeros(self.size), A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        hi = linprog(-c, A_ub=ub, b_ub=np.zeros(self.size), A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if lo.status != 0 or hi.status not in (0, 3):
            return None
        return lo.fun, (float("inf") if hi.status == 3 else -hi.fun)

    def share_range(self, members):
        """Charnes–Cooper: y = t·x, Σ n over the cell = 1, A y = b t."""
        k = 2 * self.size
        a_eq = [np.append(row, -rhs) for row, rhs in zip(self.rows, self.rhs)]
        norm = np.zeros(k + 1)
        for m in members:
            norm[self.n(*m)] = 1
        a_eq.append(norm)
        b_eq = np.zeros(len(a_eq))
        b_eq[-1] = 1
        c = np.zeros(k + 1)
        for m in members:
            c[self.s(*m)] = 1
        ub = self._bounds()
        out = []
        for sign in (1, -1):
            r = linprog(sign * c, A_ub=ub, b_ub=np.zeros(self.size), A_eq=np.array(a_eq), b_eq=b_eq, bounds=(0, None), method="highs")
            if r.status != 0:
                return None
            out.append(sign * r.fun)
        return out[0], out[1]


def audit(label, campaign, floor, questionnaire, breakdowns, releases, units, successor):
    """`releases`: per distinct release, the admin truth and each audience's rows."""
    for audience in sorted({a for r in releases for a in r["rows"]}):
        print(f"{label}: {audience}: {len(releases)} release(s), rows " + ", ".join(str(len(r["rows"].get(audience, []))) for r in releases))
    leaves = [i["code"] for s in questionnaire["sections"] for i in s["items"] if i["type"] == "likert" and i["code"] in tree_leaves(questionnaire)]
    audiences = sorted({a for r in releases for a in r["rows"]})
    province = {u: p for u, p in units.items()}
    for audience in audiences:
        for family in [None] + breakdowns:
            atoms = sorted({a for r in releases for a in r["truth"][family]})
            unit_of = (lambda a: a) if family is None else (lambda a: a[0])
            value_of = None if family is None else (lambda a: a[1])

            def cells():
                yield ("total", ""), atoms
                for u in sorted({unit_of(a) for a in atoms}):
                    yield ("unit", u), [a for a in atoms if unit_of(a) == u]
                for p in sorted({province.get(unit_of(a), "") for a in atoms}):
                    yield ("province", p), [a for a in atoms if province.get(unit_of(a), "") == p]
                if family is not None:
                    for v in sorted({value_of(a) for a in atoms}):
                        yield (family, v), [a for a in atoms if value_of(a) == v]
                if any(unit_of(a) in successor for a in atoms) or any(successor.get(unit_of(a), 1) is None for a in atoms):
                    kept = [a for a in atoms if successor.get(unit_of(a))]
                    for x in sorted({successor[unit_of(a)] for a in kept}):
                        yield ("unit@2025", x), [a for a in kept if successor[unit_of(a)] == x]
                    yield ("total@2025", ""), kept
                    yield ("left-out@2025", ""), [a for a in atoms if not successor.get(unit_of(a))]

            universe = list(cells())
            by_key = dict(universe)
            for node in ["*"] + leaves:
                model = Model(atoms, len(releases))
                truth_layers = []
                for k, rel in enumerate(releases):
                    t = rel["truth"][family]
                    cumulative = {a: (t.get(a, {}).get(root(questionnaire) if node == "*" else node, (0, 0))) for a in atoms}
                    truth_layers.append(cumulative)
                    for table, group, row_node, n, estimate in rel["rows"].get(audience, []):
                        if (table, group) not in by_key:
                            continue
                        if node == "*":
                            if row_node == root(questionnaire) or (row_node == "*" and table == "left-out@2025"):
                                model.add(k, by_key[(table, group)], n, None)
                        elif row_node == node:
                            model.add(k, by_key[(table, group)], n, estimate)
                shown = [{(t, g) for t, g, rn, n, e in rel["rows"].get(audience, []) if rn == (root(questionnaire) if node == "*" else node)}
                         for rel in releases]
                for k in range(len(releases)):
                    for key, members in universe:
                        now = sum(truth_layers[k][a][0] for a in members)
                        before = sum(truth_layers[k - 1][a][0] for a in members) if k else 0
                        for what, layer_set, size in (("cell", range(k + 1), now), ("change", [k], now - before)):
                            if what == "change" and k == 0:
                                continue
                            if not 0 < size < floor:
                                continue
                            name = f"{label} {audience} {family or 'units'} {key} {node} release {k + 1} {what} ({size:g} respondents)"
                            if what == "cell" and key in shown[k]:
                                check(name, False, "released below the floor")
                                continue
                            members_vars = [(l, a) for l in layer_set for a in members]
                            if node == "*":
                                r = model.count_range(members_vars)
                                if r is None:
                                    check(name, False, "the auditor's model is infeasible")
                                    continue
                                check(name, r[1] - r[0] >= 0.999, f"respondents determined: {r[0]:.3f}..{r[1]:.3f}")
                            else:
                                sat_now = sum(truth_layers[k][a][1] for a in members)
                                sat_before = sum(truth_layers[k - 1][a][1] for a in members) if k else 0
                                share = (sat_now - (sat_before if what == "change" else 0)) / size
                                r = model.share_range(members_vars)
                                if r is None:
                                    check(name, False, "the auditor's model is infeasible")
                                    continue
                                low, high = r
                                ok = low <= max(0, share - args.level) + 1e-6 and high >= min(1, share + args.level) - 1e-6
                                check(name, ok, f"share {share:.3f} narrowed to [{low:.3f}, {high:.3f}]")


def tree_leaves(q):
    leaves = set()

    def walk(node):
        for child in node.get("children", []):
            if isinstance(child, str):
                leaves.add(child)
            else:
                walk(child)
    for tree in q["indices"]:
        walk(tree)
    return leaves


def root(q):
    return q["indices"][0]["code"]


# ---------------------------------------------------------------- campaigns to audit

def successors_map():
    mapping = {}
    with open(args.registers, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["is_default"] == "1" or r["legacy_ward_code"] not in mapping:
                mapping[r["legacy_ward_code"]] = r["ward_code_2025"]
    return mapping


def snapshot(admin, audiences, campaign, code, breakdowns, public, earlier=None):
    rows = {name: released(client, campaign, breakdowns, earlier) for name, client in audiences.items()}
    if public:
        rows["public"] = public_rows(code)
    return {"truth": truth(admin, campaign, breakdowns), "rows": rows}


def distinct(snapshots):
    out = []
    for s in snapshots:
        if out and all(sorted(map(str, s["rows"].get(a, []))) == sorted(map(str, out[-1]["rows"].get(a, []))) for a in s["rows"]):
            continue  # the same release, held: its truth is the earlier one's
        out.append(s)
    return out


def generate(questionnaire, unit, count, start, rng, satisfied=0.85, channel=None):
    items = [i for s in questionnaire["sections"] for i in s["items"]]
    header = ["response_id", "unit", "channel"] + [i["code"] for i in items if i["type"] in ("likert", "single")]
    lines = []
    for k in range(count):
        answers = {}
        for i in items:
            condition = i.get("relevant")
            if condition:
                code, value = [x.strip() for x in condition.split("==")]
                if str(answers.get(code)) != value:
                    continue
            if i["type"] == "single":
                answers[i["code"]] = int(rng.choice(list(i["options"].keys())))
            elif i["type"] == "likert":
                answers[i["code"]] = rng.choice([4, 5]) if rng.random() < satisfied else rng.choice([1, 2, 3])
        ch = channel or ("paper" if rng.random() < 0.8 else "online")
        lines.append([f"{unit}-{start + k}", unit, ch] + [str(answers.get(c, "")) for c in header[3:]])
    return header, lines


def adversarial(admin, audiences, questionnaire, mapping):
    """Units of 1–3 responses beside larger ones, a district office without successor, merged
    successors, a kiosk channel of 2, all-satisfied units, then late responses after publication."""
    district = [u for u in admin.call("GET", "/api/v1/units?q=van%20quan&register=legacy&level=district")["items"] if u["code"] == "184"][0]
    communes = admin.call("GET", f"/api/v1/units/{district['id']}/children?limit=100")
    units = [district] + communes
    sizes = {c["code"]: s for c, s in zip(communes, [2, 3, 1, 45, 50, 40, 60, 35, 55, 40, 48, 52, 33, 70, 41, 38, 44])}
    sizes[district["code"]] = 3
    code = "ADV-VQ-2023"
    made = admin.call("POST", "/api/v1/campaigns", {
        "code": code, "year": 2023, "title": "Kiểm toán công bố", "questionnaire_code": "sipas-2017", "questionnaire_version": 1,
        "owner_unit_id": district["id"], "units": [{"unit_id": u["id"]} for u in units]})
    campaign = made["id"]
    rng = random.Random(2026)

    def move(*statuses):
        for s in statuses:
            # A step back needs its reason (a late response reopens entry).
            reply = admin.call("POST", f"/api/v1/campaigns/{campaign}/status", {"status": s, "reason": "phiếu đến muộn"})
            assert "id" in reply, reply

    def upload(rows):
        header = rows[0][0]
        body = "\n".join([",".join(header)] + [",".join(l) for h, ls in rows for l in ls]) + "\n"
        reply = admin.call("POST", f"/api/v1/campaigns/{campaign}/responses/import", body, "text/csv")
        assert "added" in reply, reply

    move("sampling", "fieldwork")
    batches = []
    for u in units:
        n = sizes[u["code"]]
        # One small commune answers "satisfied" to everything: its share is 100 % wherever it is.
        batches.append(generate(questionnaire, u["code"], n, 0, rng, satisfied=1.0 if n == 2 else 0.85))
    batches.append(generate(questionnaire, communes[5]["code"], 2, 1000, rng, channel="kiosk"))
    upload(batches)
    move("entry", "analysis", "published")
    later = later_campaign(admin, questionnaire, communes, mapping, rng)
    breakdowns = ["channel", "GENDER"]
    snapshot_now = lambda: snapshot(admin, audiences, campaign, code, breakdowns, public=True, earlier={"later": later})
    snaps = [snapshot_now()]
    # One late response after publication.
    move("analysis", "entry")
    upload([generate(questionnaire, communes[4]["code"], 1, 2000, rng)])
    move("analysis", "published")
    snaps.append(snapshot_now())
    # Then enough to make a new release: two more in the smallest commune among them.
    move("analysis", "entry")
    upload([generate(questionnaire, communes[0]["code"], 2, 3000, rng)] +
           [generate(questionnaire, c["code"], 4, 3000, rng) for c in communes[3:12]])
    move("analysis", "published")
    snaps.append(snapshot_now())
    return campaign, code, breakdowns, snaps, units


def later_campaign(admin, questionnaire, communes, mapping, rng):
    """The same communes' 2025 successors measured again: its change dashboard re-estimates the
    earlier campaign on them (and counts what is left out)."""
    province = [u for u in admin.call("GET", "/api/v1/units?q=lang%20son&register=2025&level=province")["items"]][0]
    successors = {mapping[c["code"]] for c in communes if c["code"] in mapping}
    units = [u for u in admin.call("GET", f"/api/v1/units/{province['id']}/children?limit=200") if u["code"] in successors]
    made = admin.call("POST", "/api/v1/campaigns", {
        "code": "ADV-LS-2025", "year": 2025, "title": "Kiểm toán công bố 2025", "questionnaire_code": "sipas-2017",
        "questionnaire_version": 1, "owner_unit_id": province["id"], "units": [{"unit_id": u["id"]} for u in units]})
    campaign = made["id"]
    for s in ("sampling", "fieldwork"):
        admin.call("POST", f"/api/v1/campaigns/{campaign}/status", {"status": s})
    batches = [generate(questionnaire, u["code"], 40, 0, rng) for u in units]
    header = batches[0][0]
    body = "\n".join([",".join(header)] + [",".join(l) for h, ls in batches for l in ls]) + "\n"
    assert "added" in admin.call("POST", f"/api/v1/campaigns/{campaign}/responses/import", body, "text/csv")
    for s in ("entry", "analysis", "published"):
        admin.call("POST", f"/api/v1/campaigns/{campaign}/status", {"status": s})
    return campaign


def main():
    admin = Client("admin")
    audiences = {"analyst": Client("phantich"), "viewer": Client("xa.diemhe")}
    questionnaire = admin.call("GET", "/api/v1/questionnaires/sipas-2017/1")
    mapping = successors_map()
    campaigns = admin.call("GET", "/api/v1/campaigns?limit=100")["items"]
    for c in campaigns:
        if c["code"].startswith("LSN-VQ"):
            breakdowns = ["channel", "GENDER"]
            unit_province = {r["unit"]: str(r["province"]) for r in
                             admin.call("GET", f"/api/v1/campaigns/{c['id']}/index?by=unit,province&format=json")["rows"]}
            later = [d for d in campaigns if d["code"] == "LSN-VQ-2025"]
            earlier = {"later": later[0]["id"]} if c["code"] == "LSN-VQ-2023" and later else None
            snaps = [snapshot(admin, audiences, c["id"], c["code"], breakdowns, public=c["status"] in ("published", "closed"), earlier=earlier)]
            audit(c["code"], c["id"], c.get("disclosure_min_n", 30), questionnaire, breakdowns, distinct(snaps), unit_province,
                  {u: mapping.get(u) for u in unit_province})
    if not args.demo_only:
        campaign, code, breakdowns, snaps, units = adversarial(admin, audiences, questionnaire, mapping)
        unit_province = {r["unit"]: str(r["province"]) for r in
                         admin.call("GET", f"/api/v1/campaigns/{campaign}/index?by=unit,province&format=json")["rows"]}
        audit(code, campaign, 30, questionnaire, breakdowns, distinct(snaps), unit_province, {u: mapping.get(u) for u in unit_province})
    print(f"disclosure audit: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


main()
