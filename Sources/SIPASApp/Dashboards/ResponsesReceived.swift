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
        let counts = try await platform.receivedCounts.current(campaign: id, platform: platform)
        var units: [Int: Int] = [:], channels: [String: Int] = [:], days: [String: Int] = [:]
        for (key, count) in counts {
            units[key.unitId ?? 0, default: 0] += count
            channels[key.channel, default: 0] += count
            days[key.day, default: 0] += count
        }
        let byId = Dictionary(context.units.map { ($0.unit.id, $0) }) { a, _ in a }
        let byUnit = context.units.map { (unit: Optional($0), code: $0.unit.code, count: units[$0.unit.id] ?? 0) }
            + units.filter { byId[$0.key] == nil }.map { (unit: nil, code: $0.key == 0 ? "" : "#\($0.key)", count: $0.value) }
        return Received(context: context, byUnit: byUnit.sorted { $0.code < $1.code },
                        byChannel: channels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                        byDay: days.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, total: counts.values.reduce(0, +))
    }
}

/// Each campaign's counts of received responses by unit, channel and day, brought up to date
/// with the responses stored since the last call.
actor ReceivedCounts {
    struct Key: Hashable, Sendable {
        var unitId: Int?
        var channel: String
        var day: String
    }

    private var counts: [Int: (lastId: Int, counts: [Key: Int])] = [:]

    func current(campaign id: Int, platform: Platform) async throws -> [Key: Int] {
        var entry = counts[id] ?? (0, [:])
        let store = platform.store, after = entry.lastId
        let new = try await platform.read { sql in try await store.responses.received(campaignId: id, after: after, on: sql) }
        // Another call may have counted further meanwhile: keep the furthest.
        if let stored = counts[id], stored.lastId >= new.lastId { return stored.counts }
        for c in new.counts { entry.counts[Key(unitId: c.unitId, channel: c.channel, day: c.day), default: 0] += c.count }
        entry.lastId = new.lastId
        counts[id] = entry
        return entry.counts
    }
}
