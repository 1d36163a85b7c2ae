import SIPASCore
import SIPASStore

/// Publishing a campaign's results is its step from analysis to "Đã công bố" (published): an
/// explicit, audited status change by the campaign's administrators. A campaign is public while
/// it is published or, after that, closed; before, nothing of it is. Its figures cannot change
/// while it is public: responses are accepted only during fieldwork and entry, two steps back.
public struct Publications: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    public static func isPublic(_ status: CampaignStatus) -> Bool { status == .published || status == .closed }

    public func publish(_ id: Int, by user: User?) async throws -> Campaign {
        let user = try platform.require(user, .manageCampaigns)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try requirePublishable(campaign)
        return try await platform.campaigns.setStatus(id, to: CampaignStatus.published.rawValue, by: user)
    }

    public func withdraw(_ id: Int, reason: String, by user: User?) async throws -> Campaign {
        let user = try platform.require(user, .manageCampaigns)
        let campaign = try await platform.visibleCampaign(id, for: user)
        guard campaign.status == .published else {
            throw AppError.conflict("chỉ thu hồi được kết quả đang công bố (trạng thái \"\(CampaignStatus.published.label)\"); hiện là \"\(campaign.status.label)\" (only a published campaign can be withdrawn)", field: "/status")
        }
        return try await platform.campaigns.setStatus(id, to: CampaignStatus.analysis.rawValue, reason: reason, by: user)
    }

    /// The server's operator (`sipas publish`), who holds the database itself.
    public func publishAsOperator(campaign reference: String) async throws -> Campaign {
        let campaign = try await platform.campaign(reference: reference)
        try requirePublishable(campaign)
        return try await platform.campaigns.moveStatus(campaign.id, to: .published, by: nil)
    }

    /// Every campaign whose results are public, the newest first; no account needed.
    public func published() async throws -> [Campaign] {
        let store = platform.store
        return try await platform.read { sql in try await store.campaigns.list(statuses: [.published, .closed], on: sql) }
    }

    /// The published campaign a published one is compared with: the latest of an earlier year
    /// measuring some of the same units or their predecessors (the same owner, in practice).
    public func earlierPublished(than context: Dashboards.Context) async throws -> Dashboards.Context? {
        let candidates = try await published().filter { $0.year < context.campaign.year && $0.id != context.campaign.id }
        for campaign in candidates where campaign.ownerUnitId == context.campaign.ownerUnitId || campaign.ownerUnitId == nil {
            return try await platform.dashboards.publishedContext(code: campaign.code)
        }
        for campaign in candidates {
            let earlier = try await platform.dashboards.publishedContext(code: campaign.code)
            if try await overlaps(earlier, context) { return earlier }
        }
        return nil
    }

    /// Whether two campaigns measure the same place, before or after the reorganisation.
    private func overlaps(_ a: Dashboards.Context, _ b: Dashboards.Context) async throws -> Bool {
        let later = Set(b.units.map(\.unit.id))
        for measured in a.units.prefix(50) {
            if later.contains(measured.unit.id) { return true }
            let successors = try await platform.store.units.successors(of: measured.unit)
            if successors.contains(where: { later.contains($0.unit.id) }) { return true }
        }
        return false
    }

    private func requirePublishable(_ campaign: Campaign) throws {
        if Self.isPublic(campaign.status) {
            throw AppError.conflict("kết quả của kỳ đo lường \(campaign.code) đã được công bố (already published)", field: "/status")
        }
        guard campaign.status == .analysis else {
            throw AppError.conflict("chỉ công bố được kỳ đo lường ở trạng thái \"\(CampaignStatus.analysis.label)\" (đã kết thúc nhập liệu và đã xem lại số liệu); hiện là \"\(campaign.status.label)\" (results are published from analysis)", field: "/status")
        }
    }
}

extension Platform {
    public var publications: Publications { Publications(self) }
}
