import Foundation
import SIPASCore

/// What the printed report of a campaign says (a Vietnamese administrative report, Nghị định
/// 30/2020/NĐ-CP): who issues it, where and when, the results of the campaign and of each unit,
/// respondents' wishes, and the method with its sample sizes and margins of error. The figures
/// are the dashboards' for the same viewer.
public struct CampaignReport: Sendable {
    public var overview: Dashboards.Overview
    public var ranking: Dashboards.UnitRanking
    public var wishes: Dashboards.Wishes
    /// "ỦY BAN NHÂN DÂN" over "HUYỆN VĂN QUAN", or the Ministry for a national campaign.
    public var issuerAbove: String
    public var issuer: String
    /// The issuer in a sentence: "Ủy ban nhân dân huyện Văn Quan".
    public var issuerName: String
    /// The place in the date line: "Văn Quan".
    public var place: String
    public var date: Date
    public var sample: Sample

    public struct Sample: Sendable {
        public var responses: Int
        public var units: Int
        public var unitsWithFigures: Int
        public var smallestUnit: Int?
        public var largestUnit: Int?
        public var medianUnit: Int?
        /// Half the width of the 95% interval of the index: the whole campaign, and over units.
        public var marginWhole: Double?
        public var marginSmallest: Double?
        public var marginLargest: Double?
    }
}

public struct CampaignReports: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    public func report(campaign id: Int, by user: User?, on date: Date = Date()) async throws -> CampaignReport {
        try await report(try await platform.dashboards.context(id, user: user), user: user, on: date)
    }

    public func report(_ context: Dashboards.Context, user: User?, on date: Date = Date()) async throws -> CampaignReport {
        let dashboards = platform.dashboards
        let overview = try await dashboards.overview(context, unitCode: nil, user: user)
        let ranking = try await dashboards.ranking(context, node: nil, user: user)
        let wishes = try await dashboards.wishes(context, unitCode: nil, user: user)
        let owner = try await context.campaign.ownerUnitId.asyncMap { try await platform.store.units.find(id: $0) } ?? nil
        let (above, issuer, place) = Self.issuer(owner)
        let name = owner.map { unit in above.isEmpty ? unit.name : "Ủy ban nhân dân " + Self.lowercasedKind(unit.name) } ?? "Bộ Nội vụ"
        return CampaignReport(overview: overview, ranking: ranking, wishes: wishes, issuerAbove: above, issuer: issuer, issuerName: name, place: place,
                              date: date, sample: Self.sample(overview, ranking))
    }

    /// The kinds a unit's name starts with ("Huyện Văn Quan").
    static let kindPrefixes = ["Thành phố ", "Tỉnh ", "Huyện ", "Quận ", "Thị xã ", "Thị trấn ", "Xã ", "Phường ", "Đặc khu "]

    /// The issuing body from the campaign's owner: its people's committee, or the Ministry.
    static func issuer(_ owner: AdminUnit?) -> (String, String, String) {
        guard let owner else { return ("", "BỘ NỘI VỤ", "Hà Nội") }
        let place = kindPrefixes.first { owner.name.hasPrefix($0) }.map { String(owner.name.dropFirst($0.count)) } ?? owner.name
        if owner.level == "agency" { return ("", owner.name.uppercased(), place) }
        return ("ỦY BAN NHÂN DÂN", owner.name.uppercased(), place)
    }

    /// "Huyện Văn Quan" → "huyện Văn Quan": the unit's kind inside a sentence.
    static func lowercasedKind(_ name: String) -> String {
        guard let prefix = kindPrefixes.first(where: { name.hasPrefix($0) }) else { return name }
        return prefix.lowercased() + name.dropFirst(prefix.count)
    }

    static func sample(_ o: Dashboards.Overview, _ r: Dashboards.UnitRanking) -> CampaignReport.Sample {
        let counts = r.rows.filter { $0.entry.estimate != nil }.map(\.n).sorted()
        let margins = r.rows.compactMap { row -> Double? in
            guard let low = row.entry.low, let high = row.entry.high else { return nil }
            return (high - low) / 2
        }
        let root = o.nodes.first?.row
        return .init(responses: o.responses, units: o.context.units.count, unitsWithFigures: counts.count,
                     smallestUnit: counts.first, largestUnit: counts.last, medianUnit: counts.isEmpty ? nil : counts[counts.count / 2],
                     marginWhole: root.flatMap { r in r.ciLow.flatMap { low in r.ciHigh.map { ($0 - low) / 2 } } },
                     marginSmallest: margins.min(), marginLargest: margins.max())
    }
}

extension Platform {
    public var reports: CampaignReports { CampaignReports(self) }
}
