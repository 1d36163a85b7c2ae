import SIPASCore
import SIPASStore

extension Dashboards {
    public struct Received: Sendable {
        public var context: Context
        public var byUnit: [(unit: MeasuredUnit?, code: String, count: Int)]
        public var byChannel: [(channel: String, count: Int)]
        public var byDay: [(day: String, count: Int)]
        public var total: Int
    }

    /// Responses received per unit, channel and day — fieldwork progress, for the campaign's
    /// administrators (a count per unit during entry is itself a figure other roles must not
    /// watch move).
    public func received(campaign id: Int, by user: User?) async throws -> Received {
        let context = try await self.context(id, user: user)
        guard let viewer = user, try await platform.isCampaignAdmin(viewer, context.campaign) else {
            throw AppError.forbidden("chỉ người quản trị kỳ đo lường xem được tiến độ nhận phiếu (campaign administrators only)")
        }
        let store = platform.store
        let counts = try await platform.read { sql in try await store.responses.received(campaignId: id, on: sql) }
        var units: [Int: Int] = [:], channels: [String: Int] = [:], days: [String: Int] = [:]
        for c in counts {
            units[c.unitId ?? 0, default: 0] += c.count
            channels[c.channel, default: 0] += c.count
            days[c.day, default: 0] += c.count
        }
        let byId = Dictionary(context.units.map { ($0.unit.id, $0) }) { a, _ in a }
        let byUnit = context.units.map { (unit: Optional($0), code: $0.unit.code, count: units[$0.unit.id] ?? 0) }
            + units.filter { byId[$0.key] == nil }.map { (unit: nil, code: $0.key == 0 ? "" : "#\($0.key)", count: $0.value) }
        return Received(context: context, byUnit: byUnit.sorted { $0.code < $1.code },
                        byChannel: channels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                        byDay: days.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, total: counts.reduce(0) { $0 + $1.count })
    }
}
