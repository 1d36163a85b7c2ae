import SIPASCore

extension Dashboards {
    public struct ChangeRow: Sendable {
        /// Unit code; empty for the whole view.
        public var code: String
        public var unit: MeasuredUnit?
        public var index: String
        public var node: String
        public var title: String
        public var depth: Int
        public var earlier: IndexResult.Row?
        public var later: IndexResult.Row?
        public var change: Change?
    }

    public struct CampaignChange: Sendable {
        public var later: Context
        public var earlier: Context
        /// The earlier campaign was measured on the legacy units and is re-estimated on their
        /// 2025 successors (`dashboard-measures.md` §5).
        public var reestimated: Bool
        /// Earlier responses left out of the re-estimate: their unit has no 2025 successor; nil
        /// where the release withholds that count (it would give back a small group).
        public var leftOut: Int?
        public var sameQuestionnaire: Bool
        /// Every node over the whole view.
        public var nodes: [ChangeRow]
        /// The index per unit.
        public var units: [ChangeRow]
    }

    /// Campaigns a campaign can be compared with: the viewer's other campaigns of earlier years.
    public func earlierCampaigns(than id: Int, by user: User?) async throws -> [Campaign] {
        let context = try await self.context(id, user: user)
        let all = try await platform.campaigns.list(by: user, limit: 500, offset: 0)
        return all.filter { $0.id != id && $0.year < context.campaign.year }.sorted { ($0.year, $0.id) > ($1.year, $1.id) }
    }

    /// Change of every node, and of the index per unit, from an earlier campaign to this one.
    public func change(campaign id: Int, since earlierId: Int, by user: User?) async throws -> CampaignChange {
        try await change(try await context(id, user: user), since: try await context(earlierId, user: user), user: user)
    }

    public func change(_ later: Context, since earlier: Context, user: User?) async throws -> CampaignChange {
        guard earlier.campaign.year <= later.campaign.year, earlier.campaign.id != later.campaign.id else {
            throw AppError.invalid("kỳ so sánh phải là một kỳ đo lường trước kỳ này (compare with an earlier campaign)", field: "?since")
        }
        let reestimate = later.units.contains { $0.unit.register == .reform2025 } && earlier.units.contains { $0.unit.register != .reform2025 }
        let geography: CampaignIndexQueries.Geography = reestimate ? .successors2025 : .asMeasured
        let laterPooled = try await index(later, by: [], user: user), earlierPooled = try await index(earlier, by: [], geography: geography, user: user)
        var leftOut: Int? = 0
        if reestimate {
            let asMeasured = try await index(earlier, by: [], user: user)
            let shown = !asMeasured.disclosureControlled || (asMeasured.responses > 0 && earlierPooled.responses > 0)
            leftOut = shown ? max(0, asMeasured.responses - earlierPooled.responses) : nil
        }
        let nodes = Self.pair(earlierPooled.result.rows, laterPooled.result.rows, group: [], later: later)
        let laterUnits = try await index(later, by: ["unit"], user: user), earlierUnits = try await index(earlier, by: ["unit"], geography: geography, user: user)
        let root = later.rootCode
        let units = later.units.map(\.unit.code).sorted().flatMap { code in
            Self.pair(earlierUnits.result.rows.filter { $0.node == root && $0.index == root },
                      laterUnits.result.rows.filter { $0.node == root && $0.index == root }, group: [code], later: later)
        }
        return CampaignChange(later: later, earlier: earlier, reestimated: reestimate, leftOut: leftOut,
                              sameQuestionnaire: later.campaign.questionnaireId == earlier.campaign.questionnaireId, nodes: nodes, units: units)
    }

    /// Rows of the later campaign's tree for one group, matched by (index code, node code).
    private static func pair(_ a: [IndexResult.Row], _ b: [IndexResult.Row], group: [String], later: Context) -> [ChangeRow] {
        let earlier = Dictionary(a.filter { $0.group == group }.map { ("\($0.index)/\($0.node)", $0) }) { x, _ in x }
        let code = group.first ?? ""
        let laterRows = b.filter { $0.group == group }
        if laterRows.isEmpty, let unit = later.unit(code: code) {
            return [ChangeRow(code: code, unit: unit, index: later.rootCode, node: later.rootCode, title: later.rootCode, depth: 0,
                              earlier: earlier["\(later.rootCode)/\(later.rootCode)"], later: nil, change: nil)]
        }
        return laterRows.map { row in
            let before = earlier["\(row.index)/\(row.node)"]
            return ChangeRow(code: code, unit: later.unit(code: code), index: row.index, node: row.node, title: row.title, depth: row.depth,
                             earlier: before, later: row, change: before.flatMap { Change.between(earlier: $0, later: row) })
        }
    }
}
