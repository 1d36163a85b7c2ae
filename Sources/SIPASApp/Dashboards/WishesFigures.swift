import SIPASCore

extension Dashboards {
    /// One question of the wishes: a multiple-choice item with a share per option, or a likert
    /// item outside the trees with its single estimate.
    public struct WishQuestion: Sendable {
        public var itemCode: String
        public var itemText: String
        public var shares: [WishShare]
    }

    public struct WishShare: Sendable {
        public var entry: WishesPlan.Entry
        /// Nil when the figure is withheld under disclosure control.
        public var row: IndexResult.Row?
    }

    public struct Wishes: Sendable {
        public var context: Context
        public var unit: MeasuredUnit?
        public var questions: [WishQuestion]
        public var disclosureControlled: Bool
        /// True when the view's figures are withheld whole.
        public var withheld: Bool
    }

    /// What respondents ask for (`dashboard-measures.md` §1), for the campaign or one measured unit.
    public func wishes(campaign id: Int, unitCode: String?, by user: User?) async throws -> Wishes {
        try await wishes(try await context(id, user: user), unitCode: unitCode, user: user)
    }

    public func wishes(_ context: Context, unitCode: String?, user: User?) async throws -> Wishes {
        let unit = try unitCode.map { try context.unit(named: $0) }
        guard let plan = WishesPlan(context.questionnaire) else {
            return Wishes(context: context, unit: unit, questions: [], disclosureControlled: !context.fullAccess, withheld: false)
        }
        let answer = try await index(context, by: unit == nil ? [] : ["unit"], measures: .wishes, user: user)
        let group = unit.map { [$0.unit.code] } ?? []
        var rowOf: [String: IndexResult.Row] = [:]
        for row in answer.result.rows where row.group == group && row.isLeaf && rowOf[row.node] == nil { rowOf[row.node] = row }
        var questions: [WishQuestion] = []
        for entry in plan.entries {
            let share = WishShare(entry: entry, row: rowOf[entry.leafCode])
            if questions.last?.itemCode == entry.itemCode {
                questions[questions.count - 1].shares.append(share)
            } else {
                questions.append(WishQuestion(itemCode: entry.itemCode, itemText: entry.itemText, shares: [share]))
            }
        }
        return Wishes(context: context, unit: unit, questions: questions, disclosureControlled: answer.disclosureControlled,
                      withheld: rowOf.isEmpty)
    }
}
