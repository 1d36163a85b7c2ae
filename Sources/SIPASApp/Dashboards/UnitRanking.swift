import SIPASCore

extension Dashboards {
    public struct RankingRow: Sendable {
        public var unit: MeasuredUnit?
        public var code: String
        public var n: Int
        public var entry: RankedEntry
        public var standing: Standing
        public var targetStanding: TargetStanding?
    }

    public struct UnitRanking: Sendable {
        public var context: Context
        public var node: String
        public var nodeTitle: String
        /// The campaign's pooled figure for the node, the reference of each unit's standing.
        public var reference: Double?
        public var rows: [RankingRow]
        /// Measured units whose figures are withheld from this viewer.
        public var withheld: Int
        public var disclosureControlled: Bool
    }

    /// Units ranked on a node (the index itself by default), with rank ranges, standing against
    /// the campaign's figure and against each unit's target.
    public func ranking(campaign id: Int, node: String?, by user: User?) async throws -> UnitRanking {
        try await ranking(try await context(id, user: user), node: node, user: user)
    }

    public func ranking(_ context: Context, node: String?, user: User?) async throws -> UnitRanking {
        let node = node ?? context.rootCode
        let pooled = try await index(context, by: [], user: user)
        guard let tree = pooled.result.rows.first(where: { $0.node == node }).map(\.index)
                ?? context.questionnaire.indices.first(where: { $0.code == node })?.code else {
            throw AppError.invalid("không có chỉ tiêu \"\(node)\" trong bảng hỏi của kỳ đo lường", field: "?node")
        }
        let reference = pooled.result.rows.first { $0.index == tree && $0.node == node }?.estimate
        let byUnit = try await index(context, by: ["unit"], user: user)
        let rows = byUnit.result.rows.filter { $0.index == tree && $0.node == node }
        let entries = Ranking.rank(rows.map { RankedEntry(code: $0.group.first ?? "", estimate: $0.estimate, low: $0.ciLow, high: $0.ciHigh, lowN: $0.lowN) })
        let byCode = Dictionary(rows.map { ($0.group.first ?? "", $0) }) { a, _ in a }
        let ranked = entries.map { entry -> RankingRow in
            let unit = context.unit(code: entry.code)
            let target = node == context.rootCode ? unit?.target : nil
            return RankingRow(unit: unit, code: entry.code, n: byCode[entry.code]?.n ?? 0, entry: entry,
                              standing: reference.map { Standing.of(low: entry.low, high: entry.high, lowN: entry.lowN, against: $0) } ?? .lowN,
                              targetStanding: target.map { TargetStanding.of(estimate: entry.estimate, low: entry.low, high: entry.high,
                                                                               lowN: entry.lowN, target: $0) })
        }
        let title = rows.first?.title ?? pooled.result.rows.first { $0.node == node }?.title ?? node
        return UnitRanking(context: context, node: node, nodeTitle: title, reference: reference, rows: ranked,
                           withheld: max(0, context.units.count - ranked.count), disclosureControlled: byUnit.disclosureControlled)
    }
}
