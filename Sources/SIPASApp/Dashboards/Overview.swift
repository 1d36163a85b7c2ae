import SIPASCore

extension Dashboards {
    /// One node of a view's tree, beside the campaign's figure for the same node.
    public struct NodeFigure: Sendable {
        public var row: IndexResult.Row
        /// The campaign's pooled figure over every unit in the viewer's scope.
        public var campaignEstimate: Double?
        public var standing: Standing?
    }

    public struct Overview: Sendable {
        public var context: Context
        /// Nil: the whole campaign (the units in the viewer's scope).
        public var unit: MeasuredUnit?
        public var nodes: [NodeFigure]
        public var responses: Int
        public var target: Target?
        public var targetStanding: TargetStanding?
        public var priorities: [Priority]
        public var disclosureControlled: Bool
        /// True when the unit's figures are withheld (fewer responses than the floor).
        public var withheld: Bool
        /// A unit's place among every ranked unit of the campaign, and how many there are.
        public var rank: RankedEntry? = nil
        public var rankedAmong = 0
        /// How many units the campaign measures.
        public var unitCount: Int { context.units.count }
    }

    /// The index tree of the campaign, or of one measured unit, with intervals, n, standing
    /// against the campaign and the unit's target, and improvement priorities.
    public func overview(campaign id: Int, unitCode: String?, by user: User?) async throws -> Overview {
        try await overview(try await context(id, user: user), unitCode: unitCode, user: user)
    }

    public func overview(_ context: Context, unitCode: String?, user: User?) async throws -> Overview {
        let pooled = try await index(context, by: [], user: user)
        guard let unitCode else {
            let nodes = pooled.result.rows.map { NodeFigure(row: $0, campaignEstimate: nil, standing: nil) }
            return Overview(context: context, unit: nil, nodes: nodes, responses: pooled.responses, target: nil, targetStanding: nil,
                            priorities: ImprovementPriorities.of(pooled.result, questionnaire: context.questionnaire),
                            disclosureControlled: pooled.disclosureControlled, withheld: nodes.isEmpty)
        }
        let unit = try context.unit(named: unitCode)
        let byUnit = try await index(context, by: ["unit"], user: user)
        let rows = byUnit.result.rows.filter { $0.group == [unit.unit.code] }
        let campaignFigure = Dictionary(pooled.result.rows.map { ("\($0.index)/\($0.node)", $0.estimate) }) { a, _ in a }
        let nodes = rows.map { row -> NodeFigure in
            let reference = campaignFigure["\(row.index)/\(row.node)"] ?? nil
            return NodeFigure(row: row, campaignEstimate: reference,
                              standing: reference.map { Standing.of(low: row.ciLow, high: row.ciHigh, lowN: row.lowN, against: $0) })
        }
        let root = rows.first { $0.node == context.rootCode && $0.index == context.rootCode }
        let standing = unit.target.map { target in
            TargetStanding.of(estimate: root?.estimate, low: root?.ciLow, high: root?.ciHigh, lowN: root?.lowN ?? true, target: target)
        }
        var overview = Overview(context: context, unit: unit, nodes: nodes, responses: root?.n ?? 0, target: unit.target, targetStanding: standing,
                                priorities: ImprovementPriorities.of(byUnit.result, questionnaire: context.questionnaire, group: [unit.unit.code]),
                                disclosureControlled: byUnit.disclosureControlled, withheld: rows.isEmpty)
        if !rows.isEmpty {
            let ranking = try await ranking(context, node: nil, user: user)
            overview.rank = ranking.rows.first { $0.code == unit.unit.code }?.entry
            overview.rankedAmong = ranking.rankedAmong
        }
        return overview
    }
}
