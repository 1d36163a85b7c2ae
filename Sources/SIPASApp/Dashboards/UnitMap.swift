import SIPASCore
import SIPASStore

extension Dashboards {
    public struct MapPoint: Sendable {
        public var unit: AdminUnit
        /// Nil for a unit the registers give no coordinates (one made locally).
        public var location: UnitCoordinates.Point?
        /// Nil when the unit's figure is withheld from the viewer or has no responses.
        public var figure: RankingRow?
    }

    public struct UnitMap: Sendable {
        public var ranking: UnitRanking
        public var points: [MapPoint]
    }

    /// The measured units where the registers place them, each with its figure on a node (the
    /// index by default): the ranking's figures, so the map and the ranking never disagree.
    public func map(campaign id: Int, node: String?, by user: User?) async throws -> UnitMap {
        try await map(try await context(id, user: user), node: node, user: user)
    }

    public func map(_ context: Context, node: String?, user: User?) async throws -> UnitMap {
        let ranking = try await self.ranking(context, node: node, user: user)
        let figures = Dictionary(ranking.rows.map { ($0.code, $0) }) { a, _ in a }
        let coordinates = UnitCoordinates.registers
        let points = ranking.context.units.map { measured in
            MapPoint(unit: measured.unit, location: coordinates?.point(of: measured.unit), figure: figures[measured.unit.code])
        }
        return UnitMap(ranking: ranking, points: points)
    }
}
