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
        /// Measured units whose figures are withheld from this viewer (in its scope).
        public var withheld: Int
        /// How many units the ranks are among: every unit of the campaign with a released figure,
        /// also for a viewer who sees only its own rows.
        public var rankedAmong: Int
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
        // A viewer bound to a unit sees its own rows, ranked among every unit of the campaign's
        // release (the same figures the analyst and, once published, the public read).
        let scope = try await viewerScope(context, user)
        let everyUnit = scope != nil ? try await wholeRelease(context, by: ["unit"]) : byUnit
        let visible = Set(byUnit.result.rows.compactMap(\.group.first))
        let rows = everyUnit.result.rows.filter { $0.index == tree && $0.node == node }
        let entries = Ranking.rank(rows.map { RankedEntry(code: $0.group.first ?? "", estimate: $0.estimate, low: $0.ciLow, high: $0.ciHigh, lowN: $0.lowN) })
            .filter { visible.contains($0.code) }
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
        let inScope = unitsInScope(context, scope)
        return UnitRanking(context: context, node: node, nodeTitle: title, reference: reference, rows: ranked,
                           withheld: max(0, inScope - ranked.count), rankedAmong: rows.filter { $0.estimate != nil }.count,
                           disclosureControlled: byUnit.disclosureControlled)
    }

    /// The scope of an account that reads the release and is bound to part of it (a unit
    /// viewer); nil for everyone else.
    func viewerScope(_ context: Context, _ user: User?) async throws -> UnitScope? {
        guard context.audience == .account, !context.fullAccess, let user else { return nil }
        return try await platform.scope(of: user)
    }

    /// The measured units a viewer's pages speak of: those in its scope (all for others).
    func unitsInScope(_ context: Context, _ scope: UnitScope?) -> Int {
        guard let scope else { return context.units.count }
        return context.units.filter { scope.contains($0.unit) }.count
    }

    /// A table of the campaign's release over every unit, for figures derived server-side from
    /// released cells only (a viewer's rank among all units), never shown to it as such.
    func wholeRelease(_ context: Context, by: [String]) async throws -> CampaignIndexQueries.Answer {
        let request = CampaignIndexQueries.Request(by: by, minN: context.minN, geography: .asMeasured, measures: .index)
        return try await platform.index.compute(context.campaign, request, for: .publicationPreview)
    }

    /// The unit a viewer bound to a commune reads by default: its own.
    public func ownUnitCode(campaign id: Int, by user: User?) async throws -> String? {
        try await ownUnitCode(try await context(id, user: user), user: user)
    }

    func ownUnitCode(_ context: Context, user: User?) async throws -> String? {
        guard let scope = try await viewerScope(context, user) else { return nil }
        let own = context.units.filter { scope.contains($0.unit) }
        return own.count == 1 ? own[0].unit.code : nil
    }
}
