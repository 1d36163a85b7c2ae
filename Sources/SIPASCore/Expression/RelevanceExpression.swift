/// A parsed `relevant` condition: comparisons of item answers and numbers combined with
/// `and`, `or`, `not`.
///
/// Blank answers follow XPath: a comparison with a blank operand is false, except `!=`, which is
/// true. Evaluation represents a blank as NaN, whose IEEE comparison semantics are exactly these.
public indirect enum RelevanceExpression: Sendable, Equatable {
    case or(RelevanceExpression, RelevanceExpression)
    case and(RelevanceExpression, RelevanceExpression)
    case not(RelevanceExpression)
    case comparison(Operand, ComparisonOperator, Operand)

    public enum Operand: Sendable, Equatable {
        case item(String)
        case number(Double)
    }

    public enum ComparisonOperator: String, Sendable, Equatable, CaseIterable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

        func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .equal: return a == b
            case .notEqual: return a != b
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            case .greaterOrEqual: return a >= b
            }
        }
    }

    /// Item codes the condition reads, in order of first appearance.
    public var referencedItems: [String] {
        var seen: [String] = []
        func visit(_ e: RelevanceExpression) {
            switch e {
            case let .or(a, b), let .and(a, b): visit(a); visit(b)
            case let .not(a): visit(a)
            case let .comparison(l, _, r):
                for case let .item(code) in [l, r] where !seen.contains(code) { seen.append(code) }
            }
        }
        visit(self)
        return seen
    }

    /// Evaluates with `answer(code)` giving an item's numeric answer, or nil when blank.
    public func evaluate(_ answer: (String) -> Double?) -> Bool {
        switch self {
        case let .or(a, b): return a.evaluate(answer) || b.evaluate(answer)
        case let .and(a, b): return a.evaluate(answer) && b.evaluate(answer)
        case let .not(a): return !a.evaluate(answer)
        case let .comparison(l, op, r):
            func value(_ o: Operand) -> Double {
                switch o {
                case let .number(n): return n
                case let .item(code): return answer(code) ?? .nan
                }
            }
            return op.holds(value(l), value(r))
        }
    }

    /// Resolves item codes to slots of a value array once, for evaluation on every response.
    public func compiled(slot: (String) -> Int) -> CompiledCondition {
        CompiledCondition(self, slot: slot)
    }
}

/// A condition whose item references are slot indices into a row of numeric answers (NaN = blank).
public struct CompiledCondition: Sendable {
    private indirect enum Node: Sendable {
        case or(Node, Node), and(Node, Node), not(Node)
        case compare(Int, Double, RelevanceExpression.ComparisonOperator, Int, Double)
    }

    private let root: Node

    init(_ expression: RelevanceExpression, slot: (String) -> Int) {
        func build(_ e: RelevanceExpression) -> Node {
            switch e {
            case let .or(a, b): return .or(build(a), build(b))
            case let .and(a, b): return .and(build(a), build(b))
            case let .not(a): return .not(build(a))
            case let .comparison(l, op, r):
                func split(_ o: RelevanceExpression.Operand) -> (Int, Double) {
                    switch o {
                    case let .number(n): return (-1, n)
                    case let .item(code): return (slot(code), 0)
                    }
                }
                let (ls, lv) = split(l), (rs, rv) = split(r)
                return .compare(ls, lv, op, rs, rv)
            }
        }
        root = build(expression)
    }

    public func evaluate(_ values: UnsafeBufferPointer<Double>) -> Bool {
        Self.eval(root, values)
    }

    private static func eval(_ node: Node, _ values: UnsafeBufferPointer<Double>) -> Bool {
        switch node {
        case let .or(a, b): return eval(a, values) || eval(b, values)
        case let .and(a, b): return eval(a, values) && eval(b, values)
        case let .not(a): return !eval(a, values)
        case let .compare(ls, lv, op, rs, rv):
            return op.holds(ls < 0 ? lv : values[ls], rs < 0 ? rv : values[rs])
        }
    }
}
