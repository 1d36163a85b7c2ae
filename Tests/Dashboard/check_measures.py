"""An independent implementation of ../shared/spec/dashboard-measures.md, checked against the
server's dashboard API to 1e-9: improvement priorities (§1), standing against the campaign and
targets (§2), rank ranges (§3), change between campaigns (§4), the re-estimate across the
1 July 2025 reorganisation where it can be rebuilt from published figures (§5), and respondents'
wishes (§1) re-estimated from the individual responses with index-method.md §3–4.

Usage: check_measures.py BASE_URL TOKEN   (prints "dashboard: N passed, M failed")
"""
import json
import math
import re
import sys
import urllib.request

BASE, TOKEN = sys.argv[1], sys.argv[2]
Z = 1.959964
passed = failed = 0


def get(path):
    request = urllib.request.Request(BASE + path, headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(request) as reply:
        return json.load(reply)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL", what, detail)


def rows_by(index, group_column=None):
    out = {}
    for r in index["rows"]:
        key = r.get(group_column, "") if group_column else ""
        out[(key, r["index"], r["node"])] = r
    return out


def priorities(tree, rows, group, questionnaire_items):
    """§1: leaf weights along the path, shares over the children defined in the group."""
    result = []

    def estimate(code):
        r = rows.get((group, tree["code"], code))
        return None if r is None else r["estimate"]

    def walk(node, weight):
        children = node["children"]
        codes = [c if isinstance(c, str) else c["code"] for c in children]
        defined = [estimate(c) is not None for c in codes]
        if node.get("rule", "mean") == "weighted":
            weights = node["weights"]
            total = sum(w for w, d in zip(weights, defined) if d)
            shares = [w / total if d and total > 0 else 0 for w, d in zip(weights, defined)]
        else:
            k = sum(defined)
            shares = [1 / k if d and k > 0 else 0 for d in defined]
        for child, code, share in zip(children, codes, shares):
            if isinstance(child, str):
                if questionnaire_items.get(code) != "likert":
                    continue
                r = rows.get((group, tree["code"], code))
                e = None if r is None else r["estimate"]
                se = None if r is None else r["se"]
                result.append({"index": tree["code"], "item": code, "weight": weight * share,
                               "gain": weight * share * (100 - e) if e is not None else None,
                               "gain_se": weight * share * se if e is not None and se is not None else None})
            else:
                walk(child, weight * share)

    walk(tree, 1 if estimate(tree["code"]) is not None else 0)
    order = {id(p): i for i, p in enumerate(result)}
    # Undefined gains (no estimate) come after every defined one, in tree order.
    return sorted(result, key=lambda p: (p["gain"] is None, -(p["gain"] or 0), order[id(p)]))


def items_of(q):
    return {item["code"]: item["type"] for section in q["sections"] for item in section["items"]}


def check_priorities(campaign, q, index_by_unit, pooled):
    items = items_of(q)
    for unit in sorted({r["unit"] for r in index_by_unit["rows"]}):
        api = get(f"/api/v1/campaigns/{campaign}/dashboard/priorities?unit={unit}")["rows"]
        mine = [p for tree in q["indices"] for p in priorities(tree, rows_by(index_by_unit, "unit"), unit, items)]
        order = {id(p): i for i, p in enumerate(mine)}
        mine.sort(key=lambda p: (p["gain"] is None, -(p["gain"] or 0), order[id(p)]))
        check(f"priorities {campaign}/{unit} count", len(api) == len(mine), f"{len(api)} vs {len(mine)}")
        for a, b in zip(api, mine):
            check(f"priorities {campaign}/{unit} {b['item']}", a["item"] == b["item"] and close(a["weight"], b["weight"])
                  and close(a["gain"], b["gain"]) and close(a["gain_se"], b["gain_se"]), f"{a} vs {b}")
        root = rows_by(index_by_unit, "unit").get((unit, q["indices"][0]["code"], q["indices"][0]["code"]))
        first_tree = [a for a in api if a["index"] == q["indices"][0]["code"]]
        if root and root["estimate"] is not None:
            check(f"gains add up {campaign}/{unit}", close(sum(a["gain"] or 0 for a in first_tree), 100 - root["estimate"]))


def check_ranking(campaign, q, index_by_unit, pooled, detail):
    root = q["indices"][0]["code"]
    api = get(f"/api/v1/campaigns/{campaign}/dashboard/ranking")
    reference = rows_by(pooled)[("", root, root)]["estimate"]
    check(f"ranking {campaign} reference", close(api["reference"], reference))
    rows = [r for r in index_by_unit["rows"] if r["node"] == root and r["index"] == root]
    ranked = [r for r in rows if not r["low_n"] and r["estimate"] is not None]
    ranked.sort(key=lambda r: (-r["estimate"], r["unit"]))
    targets = {u["unit"]["code"]: u for u in detail["units"]}
    by_unit = {r["unit"]: r for r in api["rows"]}
    for i, u in enumerate(ranked):
        best = 1 + sum(1 for v in ranked if v is not u and v["ci_low"] > u["ci_high"])
        worst = len(ranked) - sum(1 for v in ranked if v is not u and v["ci_high"] < u["ci_low"])
        a = by_unit[u["unit"]]
        standing = "above" if u["ci_low"] > reference else "below" if u["ci_high"] < reference else "indistinguishable"
        check(f"ranking {campaign}/{u['unit']}", a["rank"] == i + 1 and a["best_rank"] == best and a["worst_rank"] == worst
              and a["standing"] == standing and close(a["estimate"], u["estimate"]), f"{a} vs rank {i + 1} {best}-{worst} {standing}")
        t = targets.get(u["unit"], {})
        if "target_percent" in t:
            value, comparator = t["target_percent"], t["target_comparator"]
            met = u["ci_low"] > value if comparator == ">" else u["ci_low"] >= value
            outcome = "met" if met else "not met" if u["ci_high"] < value else "too close to call"
            check(f"target {campaign}/{u['unit']}", a["target_outcome"] == outcome and close(a["target_distance"], u["estimate"] - value),
                  f"{a['target_outcome']} vs {outcome}")
    check(f"ranking {campaign} order", [r["unit"] for r in api["rows"][:len(ranked)]] == [r["unit"] for r in ranked])


def check_change(later, earlier, q):
    api = get(f"/api/v1/campaigns/{later}/dashboard/change?since={earlier}")
    for r in api["rows"]:
        if r["earlier"] is None or r["later"] is None:
            continue
        delta = r["later"] - r["earlier"]
        se = math.sqrt(r["earlier_se"] ** 2 + r["later_se"] ** 2)
        low, high = delta - Z * se, delta + Z * se
        direction = "up" if low > 0 else "down" if high < 0 else "no clear change"
        check(f"change {r['unit'] or 'all'}/{r['node']}", close(r["delta"], delta) and close(r["se"], se) and close(r["ci_low"], low)
              and close(r["ci_high"], high) and (r["direction"] == direction or r["direction"] == "low n"), f"{r}")
    # §5, where published figures rebuild it: with nothing left out, the whole earlier campaign
    # re-estimated on the new units is the earlier campaign itself.
    if api["reestimated"] and api["left_out"] == 0:
        pooled = rows_by(get(f"/api/v1/campaigns/{earlier}/index"))
        for r in api["rows"]:
            if r["unit"] == "":
                check(f"re-estimate whole {r['node']}", close(r["earlier"], pooled[("", r["index"], r["node"])]["estimate"]))
    # A 2025 unit formed from exactly one legacy unit keeps that unit's earlier figure.
    later_units = {u["unit"]["code"]: u["unit"]["id"] for u in get(f"/api/v1/campaigns/{later}")["units"]}
    earlier_index = rows_by(get(f"/api/v1/campaigns/{earlier}/index?by=unit"), "unit")
    earlier_codes = {u["unit"]["code"] for u in get(f"/api/v1/campaigns/{earlier}")["units"]}
    root = q["indices"][0]["code"]
    for r in api["rows"]:
        if not r["unit"]:
            continue
        detail = get(f"/api/v1/units/{later_units[r['unit']]}")
        sources = [p["code"] for p in detail["predecessors"] if p["code"] in earlier_codes]
        if len(sources) == 1 and len(detail["predecessors"]) == 1:
            check(f"re-estimate {r['unit']} from {sources[0]}", close(r["earlier"], earlier_index[(sources[0], root, root)]["estimate"]))


def all_responses(campaign):
    out, offset = [], 0
    while True:
        page = get(f"/api/v1/campaigns/{campaign}/responses?limit=500&offset={offset}")["items"]
        out += page
        offset += len(page)
        if len(page) < 500:
            return out


def sampled_responses(campaign, responses):
    """sampling-method §8: a sampled case's response weighs its design weight × n_c / m_c, n_c the
    cases sampled in its stratum, m_c the completed ones (released reserves included); §10: a
    collection the re-check did not confirm counts only once kept."""
    cases = {c["code"]: c for c in get(f"/api/v1/campaigns/{campaign}/fieldwork/cases")["items"]}
    def held_out(c):
        return c["recheck_decision"] == "excluded" or (c["recheck"] == "not_confirmed" and c["recheck_decision"] != "kept")
    sampled, completed = {}, {}
    for c in cases.values():
        if c["role"] == "sample":
            sampled[c["stratum"]] = sampled.get(c["stratum"], 0) + 1
        if c["status"] == "collected" and not held_out(c):
            completed[c["stratum"]] = completed.get(c["stratum"], 0) + 1
    out = []
    for r in responses:
        c = cases.get(r.get("case_code"))
        if c is None:
            out.append(r)
        elif not held_out(c):
            out.append(dict(r, weight=r["weight"] * sampled[c["stratum"]] / completed[c["stratum"]]))
    return out


def ratio(responses, numerator, denominator, member):
    """index-method.md §2–4 for a ratio of weighted totals over the group `member` picks."""
    w = [r.get("weight") if r.get("weight") is not None else 1.0 for r in responses]
    x = sum(wi * denominator(r) for wi, r in zip(w, responses) if member(r))
    n = sum(1 for r in responses if member(r) and denominator(r))
    if x == 0:
        return None, None, n
    share = sum(wi * numerator(r) for wi, r in zip(w, responses) if member(r)) / x
    totals = {}
    for wi, r in zip(w, responses):
        z = wi * (numerator(r) - share * denominator(r)) / x if member(r) else 0.0
        psu = (r.get("stratum"), r.get("psu") if r.get("psu") is not None else r["response_id"])
        totals[psu] = totals.get(psu, 0.0) + z
    strata = {}
    for (h, _), t in totals.items():
        strata.setdefault(h, []).append(t)
    var = 0.0
    for ts in strata.values():
        if len(ts) == 1:
            var += ts[0] ** 2
        else:
            mean = sum(ts) / len(ts)
            var += len(ts) / (len(ts) - 1) * sum((t - mean) ** 2 for t in ts)
    return 100 * share, 100 * math.sqrt(var), n


CONDITION_TOKEN = re.compile(r"\s*(==|!=|<=|>=|<|>|\(|\)|[A-Za-z_][A-Za-z0-9_.]*|\d+(?:\.\d+)?)")
COMPARE = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
           ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def condition(text):
    """questionnaire-format.md's `relevant` grammar (or < and < not < comparison), as a function of
    a response's answers; a blank answer is NaN, so it equals nothing."""
    tokens, pos = CONDITION_TOKEN.findall(text), [0]
    def peek():
        return tokens[pos[0]] if pos[0] < len(tokens) else None
    def take():
        pos[0] += 1
        return tokens[pos[0] - 1]
    def operand():
        t = take()
        if re.fullmatch(r"\d+(?:\.\d+)?", t):
            return lambda v, x=float(t): x
        return lambda v, code=t: v(code)
    def comparison():
        if peek() == "(":
            take()
            inner = either()
            take()
            return inner
        left = operand()
        op = COMPARE[take()]
        right = operand()
        return lambda v: op(left(v), right(v))
    def negation():
        if peek() == "not":
            take()
            inner = negation()
            return lambda v: not inner(v)
        return comparison()
    def both():
        left = negation()
        while peek() == "and":
            take()
            right = negation()
            left = (lambda a, b: lambda v: a(v) and b(v))(left, right)
        return left
    def either():
        left = both()
        while peek() == "or":
            take()
            right = both()
            left = (lambda a, b: lambda v: a(v) or b(v))(left, right)
        return left
    return either()


def tree_figures(q, responses, member):
    """index-method.md §2–3 for every node of every tree over the responses `member` picks:
    {(tree, node): (estimate, se)}, the design being every response given."""
    items = {item["code"]: item for section in q["sections"] for item in section["items"]}
    nodes = {}
    def collect(node):
        nodes[node["code"]] = node
        for child in node["children"]:
            if isinstance(child, dict):
                collect(child)
    for tree in q["indices"]:
        collect(tree)
    w = [r.get("weight") if r.get("weight") is not None else 1.0 for r in responses]
    psus = [(r.get("stratum"), r.get("psu") if r.get("psu") is not None else r["response_id"]) for r in responses]
    inside = [member(r) for r in responses]
    def value_of(r):
        def v(code):
            a = r["answers"].get(code)
            return float(a) if a not in (None, "") and items[code]["type"] in ("single", "likert", "number") else (1.0 if a else math.nan)
        return v
    relevant = {code: condition(item["relevant"]) for code, item in items.items() if item.get("relevant")}
    def leaf(code):
        item = items[code]
        scale = q["scales"][item["scale"]]
        satisfied, na = set(scale["satisfied"]), set(scale.get("not_applicable", []))
        codes = {int(c) for c in scale["codes"]}
        valid, sat = [], []
        for r in responses:
            a = r["answers"].get(code)
            ok = a not in (None, "") and int(a) in codes and int(a) not in na and (code not in relevant or relevant[code](value_of(r)))
            valid.append(1 if ok else 0)
            sat.append(1 if ok and int(a) in satisfied else 0)
        x = sum(wi * v for wi, v, m in zip(w, valid, inside) if m)
        if x == 0:
            return None, None
        ratio = sum(wi * s for wi, s, m in zip(w, sat, inside) if m) / x
        return 100 * ratio, [wi * (s - ratio * v) / x if m else 0.0 for wi, s, v, m in zip(w, sat, valid, inside)]
    out = {}
    def evaluate(child, tree):
        code = child if isinstance(child, str) else child["code"]
        node = child if isinstance(child, dict) else nodes.get(code)
        if node is None:
            estimate, z = leaf(code)
        else:
            parts = [(evaluate(c, tree), a) for c, a in zip(node["children"], node.get("weights") or [1.0] * len(node["children"]))]
            parts = [(e, z, a) for (e, z), a in parts if e is not None]
            if not parts:
                estimate, z = None, None
            else:
                total = sum(a for _, _, a in parts)
                estimate = sum(e * a for e, _, a in parts) / total
                z = [sum(zs[i] * a for _, zs, a in parts) / total for i in range(len(responses))]
        se = None
        if z is not None:
            totals = {}
            for p, zi in zip(psus, z):
                totals[p] = totals.get(p, 0.0) + zi
            strata = {}
            for (h, _), t in totals.items():
                strata.setdefault(h, []).append(t)
            var = sum(ts[0] ** 2 if len(ts) == 1 else len(ts) / (len(ts) - 1) * sum((t - sum(ts) / len(ts)) ** 2 for t in ts)
                      for ts in strata.values())
            se = 100 * math.sqrt(var)
        out[(tree, code)] = (estimate, se)
        return estimate, z
    for tree in q["indices"]:
        evaluate(tree, tree["code"])
    return out


def check_reestimate_from_responses(later, earlier, q):
    """§5 for every 2025 unit, merged ones included: the earlier campaign's responses counted for
    their unit's default 2025 successor, estimated from the individual responses."""
    api = get(f"/api/v1/campaigns/{later}/dashboard/change?since={earlier}")
    if not api["reestimated"]:
        return
    successor = {}
    for u in get(f"/api/v1/campaigns/{earlier}")["units"]:
        detail = get(f"/api/v1/units/{u['unit']['id']}")
        chosen = next((s for s in detail["successors"] if s["is_default"]), detail["successors"][0] if detail["successors"] else None)
        if chosen:
            successor[u["unit"]["id"]] = chosen["unit"]["code"]
    responses = all_responses(earlier)
    merged = 0
    for unit in sorted({r["unit"] for r in api["rows"] if r["unit"]}):
        sources = {k for k, v in successor.items() if v == unit}
        merged += len(sources) > 1
        figures = tree_figures(q, responses, lambda r, s=sources: r.get("unit_id") in s)
        for r in api["rows"]:
            if r["unit"] == unit:
                estimate, se = figures.get((r["index"], r["node"]), (None, None))
                check(f"re-estimate from responses {unit}/{r['node']}", close(r["earlier"], estimate) and close(r["earlier_se"], se),
                      f"{r['earlier']} {r['earlier_se']} vs {estimate} {se}")
    check("some 2025 unit merges several legacy units", merged > 0, "the demo should exercise a merger")


def check_wishes(campaign, q, detail):
    items = {item["code"]: item for section in q["sections"] for item in section["items"]}
    responses = all_responses(campaign)
    if get(f"/api/v1/campaigns/{campaign}/sampling/draws"):
        responses = sampled_responses(campaign, responses)
    codes = {u["unit"]["id"]: u["unit"]["code"] for u in detail["units"]}
    for unit in [None] + sorted(codes.values())[:4]:
        api = get(f"/api/v1/campaigns/{campaign}/dashboard/wishes" + (f"?unit={unit}" if unit else ""))["rows"]
        member = (lambda r: True) if unit is None else (lambda r, u=unit: codes.get(r.get("unit_id")) == u)
        for row in api:
            item = items[row["item"]]
            if item.get("relevant"):
                continue  # the conditions' grammar is the index engine's; checked there
            if row["option"] is None:
                scale = q["scales"][item["scale"]]
                satisfied, na = set(scale["satisfied"]), set(scale.get("not_applicable", []))
                def valid(r, c=item["code"]):
                    a = r["answers"].get(c)
                    return 1 if a is not None and int(a) not in na else 0
                def chose(r, c=item["code"]):
                    return 1 if valid(r, c) and int(r["answers"][c]) in satisfied else 0
            else:
                def valid(r, c=item["code"]):
                    return 1 if r["answers"].get(c) else 0
                def chose(r, c=item["code"], o=row["option"]):
                    return 1 if valid(r, c) and str(o) in r["answers"][c].split(";") else 0
            share, se, n = ratio(responses, chose, valid, member)
            ok = (row["n"] or 0) == n and close(row["share"], share) and close(row["se"], se)
            if share is not None and ok:
                ok = close(row["ci_low"], max(0.0, share - Z * se)) and close(row["ci_high"], min(100.0, share + Z * se))
            check(f"wishes {campaign}/{unit or 'all'}/{row['item']}={row['option']}", ok, f"{row} vs {share}, {se}, {n}")


def main():
    campaigns = {c["code"]: c["id"] for c in get("/api/v1/campaigns")["items"]}
    for code, cid in sorted(campaigns.items()):
        detail = get(f"/api/v1/campaigns/{cid}")
        qid = detail["questionnaire"]
        code_, version = qid.split("@")
        q = get(f"/api/v1/questionnaires/{code_}/{version}")
        by_unit, pooled = get(f"/api/v1/campaigns/{cid}/index?by=unit"), get(f"/api/v1/campaigns/{cid}/index")
        check_priorities(cid, q, by_unit, pooled)
        check_ranking(cid, q, by_unit, pooled, detail)
        check_wishes(cid, q, detail)
    if "LSN-VQ-2023" in campaigns and "LSN-VQ-2025" in campaigns:
        later = get(f"/api/v1/campaigns/{campaigns['LSN-VQ-2025']}")["questionnaire"].split("@")
        q = get(f"/api/v1/questionnaires/{later[0]}/{later[1]}")
        check_change(campaigns["LSN-VQ-2025"], campaigns["LSN-VQ-2023"], q)
        check_reestimate_from_responses(campaigns["LSN-VQ-2025"], campaigns["LSN-VQ-2023"], q)
    print(f"dashboard: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


main()
