import SIPASCore

/// Builds small questionnaires and runs the engine on rows given as dictionaries, the way the
/// CSV and database adapters do (values → relevance → leaf states → accumulator).
enum Harness {
    static let sat5 = Scale(code: "sat5", codes: (1...5).map { CodeLabel($0, "m\($0)") }, satisfied: [4, 5], notApplicable: [9])

    /// ROOT = mean(A = mean(A1, A2), B = mean(B1)); B1 asked only when F == 1.
    static func questionnaire(rootRule: AggregationRule = .mean, rootWeights: [Double]? = nil) -> Questionnaire {
        Questionnaire(
            id: "test", version: 1, title: "Test", scales: [sat5],
            sections: [Section(code: "S", title: "S", items: [
                Item(code: "F", type: .single, text: "filter", options: [CodeLabel(1, "yes"), CodeLabel(2, "no")]),
                Item(code: "A1", type: .likert, text: "a1", scale: "sat5"),
                Item(code: "A2", type: .likert, text: "a2", scale: "sat5"),
                Item(code: "B1", type: .likert, text: "b1", scale: "sat5", relevant: "F == 1"),
            ])],
            indices: [IndexNode(code: "ROOT", title: "Root", rule: rootRule, weights: rootWeights, children: [
                .node(IndexNode(code: "A", title: "A", children: [.reference("A1"), .reference("A2")])),
                .node(IndexNode(code: "B", title: "B", children: [.reference("B1")])),
            ])])
    }

    struct Row {
        var answers: [String: Double]
        var group: String = ""
        var sub: String = ""
        var stratum: String = ""
        var psu: String? = nil
        var weight: Double = 1
    }

    static func run(_ q: Questionnaire, _ rows: [Row], grouped: Bool = false, weighted: Bool = false,
                    psu: Bool = false, minN: Int = 30) -> IndexResult {
        let plan = IndexPlan(q)
        let evaluator = ResponseEvaluator(questionnaire: q, plan: plan)
        var acc = IndexAccumulator(plan: plan, weighted: weighted, psuColumn: psu)
        var groups: [String] = grouped ? [] : [""]
        var subs: [String] = [], strata: [String] = [], psus: [String] = []
        func id(_ s: String, _ list: inout [String]) -> Int {
            if let i = list.firstIndex(of: s) { return i }
            list.append(s)
            return list.count - 1
        }
        let items = q.items
        for row in rows {
            var values = items.map { row.answers[$0.code] ?? .nan }
            var relevant = [Bool](repeating: true, count: evaluator.relevanceSlots)
            var valid = [UInt64](repeating: 0, count: plan.words), sat = valid
            values.withUnsafeMutableBufferPointer { v in
                relevant.withUnsafeMutableBufferPointer { r in
                    evaluator.checkRelevance(UnsafeBufferPointer(v), relevant: r) { _ in }
                    evaluator.leafStates(UnsafeBufferPointer(v), relevant: UnsafeBufferPointer(r), valid: &valid, satisfied: &sat)
                }
            }
            let h = id(row.stratum, &strata)
            acc.add(group: grouped ? id(row.group, &groups) : 0, subgroup: id(row.sub, &subs), stratum: h,
                    psu: id("\(h)/\(row.psu ?? "")", &psus), weight: row.weight, valid: valid, satisfied: sat)
        }
        return acc.result(groupColumns: grouped ? ["g"] : [], groupKeys: groups.map { grouped ? [$0] : [] }, minN: minN)
    }
}

