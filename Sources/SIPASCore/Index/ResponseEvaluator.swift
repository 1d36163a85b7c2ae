/// Turns one response's answers into what the index needs: which answers break their item's
/// `relevant` condition, and for each leaf whether the answer is valid and satisfied.
///
/// Answers arrive as one Double per questionnaire item (`Questionnaire.items` order): the code or
/// number for single/likert/number items, any non-NaN value for other answered items, NaN for blank.
public struct ResponseEvaluator: Sendable {
    public let plan: IndexPlan
    public let itemCount: Int
    /// Items with a `relevant` condition.
    let conditions: [(item: Int, condition: CompiledCondition)]
    /// Per leaf: index into the relevance flags (the last flag, always true, for unconditional leaves).
    let leafCondition: [Int]
    /// Per leaf × code 0...64: 0 invalid, 1 valid, 2 satisfied; entry 64 (blank) is 0. Codes
    /// outside 0..<64 use the plan's sets.
    let leafCodeState: [UInt8]
    /// Item slot of each leaf (flat, so the per-response loop copies no structs).
    let leafItem: [Int]

    public init(questionnaire q: Questionnaire, plan: IndexPlan) {
        self.plan = plan
        let items = q.items
        itemCount = items.count
        var slot: [String: Int] = [:]
        for (i, item) in items.enumerated() where slot[item.code] == nil { slot[item.code] = i }
        var conditions: [(Int, CompiledCondition)] = []
        var conditionOfItem: [Int: Int] = [:]
        for (i, item) in items.enumerated() {
            guard let text = item.relevant, let expression = try? RelevanceParser.parse(text) else { continue }
            conditionOfItem[i] = conditions.count
            conditions.append((i, expression.compiled { slot[$0] ?? -1 }))
        }
        self.conditions = conditions
        leafCondition = plan.leaves.map { conditionOfItem[$0.itemIndex] ?? conditions.count }
        leafCodeState = plan.leaves.flatMap { leaf in
            (0...64).map { code -> UInt8 in
                code == 64 || leaf.notApplicable.contains(code) ? 0 : (leaf.satisfied.contains(code) ? 2 : 1)
            }
        }
        leafItem = plan.leaves.map(\.itemIndex)
    }

    /// Relevance flags a row needs: one per condition, and a last one that is always true.
    public var relevanceSlots: Int { conditions.count + 1 }

    /// Items that hold an answer although their condition is false, reported through `visit`;
    /// `relevant[i]` is set for every condition (the buffer holds `relevanceSlots` flags).
    @inline(__always)
    public func checkRelevance(_ values: UnsafeBufferPointer<Double>, relevant: UnsafeMutableBufferPointer<Bool>,
                               visit: (Int) -> Void) {
        for (k, c) in conditions.enumerated() {
            let holds = c.condition.evaluate(values)
            relevant[k] = holds
            if !holds && !values[c.item].isNaN { visit(c.item) }
        }
        relevant[conditions.count] = true
    }

    public var conditionCount: Int { conditions.count }

    /// Sets the valid and satisfied bits of every leaf. `relevant` comes from `checkRelevance`.
    @inline(__always)
    public func leafStates(_ values: UnsafeBufferPointer<Double>, relevant: UnsafeBufferPointer<Bool>,
                           valid: UnsafeMutablePointer<UInt64>, satisfied: UnsafeMutablePointer<UInt64>) {
        for w in 0..<plan.words { valid[w] = 0; satisfied[w] = 0 }
        leafItem.withUnsafeBufferPointer { leafItem in
        leafCondition.withUnsafeBufferPointer { leafCondition in
        leafCodeState.withUnsafeBufferPointer { codeState in
            // Branch-free on the usual path: answers are random, so branches would mispredict.
            for q in 0..<leafItem.count {
                let v = values[leafItem[q]]
                let small = v >= 0 && v < 64  // false for a blank (NaN)
                var state: UInt8
                if small || v.isNaN {
                    state = codeState[q &* 65 &+ Int(small ? v : 64)]
                } else {
                    let code = Int(v)
                    state = plan.leaves[q].notApplicable.contains(code) ? 0 : (plan.leaves[q].satisfied.contains(code) ? 2 : 1)
                }
                state &= 0 &- UInt8(relevant[leafCondition[q]] ? 1 : 0)
                let shift = UInt64(q & 63)
                valid[q >> 6] |= UInt64((state &+ 1) >> 1) << shift
                satisfied[q >> 6] |= UInt64(state >> 1) << shift
            }
        }}}
    }
}
