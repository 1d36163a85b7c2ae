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
    /// The body's short form for its document number: "UBND", "SNV", "BNV".
    public var numberSuffix: String
    /// The signature block: "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH" / the signer's name.
    public var signatureAuthority: String?
    public var signatureTitle: String
    public var signerName: String?
    /// The whole campaign compared with the latest earlier one the reader may see.
    public var change: Dashboards.CampaignChange?
    /// A viewer bound to one unit reads that unit's report, not the campaign's.
    public var focus: Dashboards.Overview?

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
        let body = ReportIssuer(owner: owner, signature: context.campaign.signature)
        var report = CampaignReport(overview: overview, ranking: ranking, wishes: wishes, issuerAbove: body.above, issuer: body.line,
                                    issuerName: body.name, place: body.place, date: date, sample: Self.sample(overview, ranking),
                                    numberSuffix: body.numberSuffix, signatureAuthority: body.authority, signatureTitle: body.signerTitle,
                                    signerName: body.signerName)
        if context.audience == .account, let user {
            report.change = try await latestChange(context, user: user)
            if let unit = try await dashboards.ownUnitCode(context, user: user) {
                report.focus = try await dashboards.overview(context, unitCode: unit, user: user)
            }
        }
        return report
    }

    /// The change since the latest earlier campaign whose entry is closed, when there is one.
    private func latestChange(_ context: Dashboards.Context, user: User) async throws -> Dashboards.CampaignChange? {
        let dashboards = platform.dashboards
        guard let earlier = try await dashboards.earlierCampaigns(than: context.campaign.id, by: user).first(where: { $0.status.figuresAreFinal }) else {
            return nil
        }
        do {
            return try await dashboards.change(context, since: try await dashboards.context(earlier.id, user: user), user: user)
        } catch let error as AppError where error.kind == .forbidden || error.kind == .notFound {
            return nil
        }
    }

    /// The kinds a unit's name starts with ("Huyện Văn Quan").
    static let kindPrefixes = ["Thành phố ", "Tỉnh ", "Huyện ", "Quận ", "Thị xã ", "Thị trấn ", "Xã ", "Phường ", "Đặc khu "]

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
