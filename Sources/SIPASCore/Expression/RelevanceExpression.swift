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

/// A condition whose item references are slot indices into a row of numeric answers (NaN = blank),
/// flattened to a postfix program of plain values: evaluating it touches no reference counts.
public struct CompiledCondition: Sendable {
    private struct Step: Sendable {
        enum Kind: UInt8, Sendable { case compare, and, or, not }
        var kind: Kind
        var op: RelevanceExpression.ComparisonOperator = .equal
        var leftSlot = -1, rightSlot = -1
        var left = 0.0, right = 0.0
    }

    private let steps: [Step]

    init(_ expression: RelevanceExpression, slot: (String) -> Int) {
        var steps: [Step] = []
        func emit(_ e: RelevanceExpression) {
            switch e {
            case let .or(a, b): emit(a); emit(b); steps.append(Step(kind: .or))
            case let .and(a, b): emit(a); emit(b); steps.append(Step(kind: .and))
            case let .not(a): emit(a); steps.append(Step(kind: .not))
            case let .comparison(l, op, r):
                var step = Step(kind: .compare, op: op)
                switch l {
                case let .number(n): step.left = n
                case let .item(code): step.leftSlot = slot(code)
                }
                switch r {
                case let .number(n): step.right = n
                case let .item(code): step.rightSlot = slot(code)
                }
                steps.append(step)
            }
        }
        emit(expression)
        self.steps = steps
    }

    public func evaluate(_ values: UnsafeBufferPointer<Double>) -> Bool {
        // A single comparison (the usual filter) needs no stack at all.
        var stack = [Bool]()
        return steps.withUnsafeBufferPointer { steps in
            if steps.count == 1 { return Self.compare(steps[0], values) }
            stack.reserveCapacity(steps.count)
            for step in steps {
                switch step.kind {
                case .compare: stack.append(Self.compare(step, values))
                case .not: stack[stack.count - 1].toggle()
                case .and: let b = stack.removeLast(); stack[stack.count - 1] = stack[stack.count - 1] && b
                case .or: let b = stack.removeLast(); stack[stack.count - 1] = stack[stack.count - 1] || b
                }
            }
            return stack[0]
        }
    }

    @inline(__always)
    private static func compare(_ step: Step, _ values: UnsafeBufferPointer<Double>) -> Bool {
        step.op.holds(step.leftSlot < 0 ? step.left : values[step.leftSlot],
                      step.rightSlot < 0 ? step.right : values[step.rightSlot])
    }
}
