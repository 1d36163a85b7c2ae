/// Improvement priorities (`dashboard-measures.md` §1): the index points a group would gain if a
/// criterion reached 100%, from each leaf's weight in its tree — the product of its shares along
/// the path from the root, over the children defined in that group.
public struct Priority: Sendable, Equatable {
    /// Code of the tree's root.
    public var index: String
    public var item: String
    public var title: String
    public var weight: Double
    public var estimate: Double?
    public var se: Double?
    public var n: Int
    public var lowN: Bool
    /// `weight · (100 − E)`; nil for a leaf not defined in the group (no estimate, nothing to gain
    /// that can be said), which comes last.
    public var gain: Double?
    public var gainSE: Double?
    /// Pre-order position of the leaf among all trees, for ties.
    public var order: Int
}

public enum ImprovementPriorities {
    /// The likert leaves of every tree for `group`, largest gain first.
    public static func of(_ result: IndexResult, questionnaire: Questionnaire, group: [String] = []) -> [Priority] {
        let rows = Dictionary(result.rows.filter { $0.group == group }.map { ("\($0.index)\u{1F}\($0.node)", $0) }) { first, _ in first }
        var priorities: [Priority] = []
        for tree in questionnaire.indices {
            func row(_ code: String) -> IndexResult.Row? { rows["\(tree.code)\u{1F}\(code)"] }
            func walk(_ node: IndexNode, weight: Double) {
                let codes = node.children.map(\.code)
                let defined = codes.map { row($0)?.estimate != nil }
                let shares: [Double]
                switch node.rule {
                case .mean:
                    let k = Double(defined.filter { $0 }.count)
                    shares = defined.map { $0 && k > 0 ? 1 / k : 0 }
                case .weighted:
                    let weights = node.weights ?? Array(repeating: 1, count: codes.count)
                    let total = zip(weights, defined).reduce(0) { $0 + ($1.1 ? $1.0 : 0) }
                    shares = zip(weights, defined).map { $1 && total > 0 ? $0 / total : 0 }
                }
                for (child, share) in zip(node.children, shares) {
                    switch child {
                    case let .node(inner): walk(inner, weight: weight * share)
                    case let .reference(code):
                        guard questionnaire.item(code)?.type == .likert else { continue }
                        let leaf = row(code)
                        let w = weight * share
                        priorities.append(Priority(index: tree.code, item: code, title: leaf?.title ?? questionnaire.item(code)?.text ?? code,
                                                   weight: w, estimate: leaf?.estimate, se: leaf?.se, n: leaf?.n ?? 0,
                                                   lowN: leaf?.lowN ?? true, gain: leaf?.estimate.map { w * (100 - $0) },
                                                   gainSE: leaf?.estimate == nil ? nil : leaf?.se.map { w * $0 }, order: priorities.count))
                    }
                }
            }
            walk(tree, weight: row(tree.code)?.estimate == nil ? 0 : 1)
        }
        return priorities.sorted { a, b in
            switch (a.gain, b.gain) {
            case let (x?, y?) where x != y: return x > y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.order < b.order
            }
        }
    }
}

extension IndexChild {
    /// The node's or the referenced item's code.
    public var code: String {
        switch self {
        case let .node(node): return node.code
        case let .reference(code): return code
        }
    }
}
