import SIPASCore
import SIPASStore

/// A campaign's phases move one step at a time. Forward is the everyday step; back undoes one
/// (reopening entry, withdrawing a publication) and needs a written reason, kept in the history.
extension Campaigns {
    public static let reasonLimit = 500

    /// Moves the campaign one phase forward or back (back with a reason).
    public func setStatus(_ id: Int, to status: String, reason: String? = nil, by user: User?) async throws -> Campaign {
        let user = try platform.require(user, .manageCampaigns)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try await platform.requireCampaignAdmin(user, campaign)
        guard let next = CampaignStatus(rawValue: status) else {
            throw AppError.invalid("trạng thái phải là một trong: \(CampaignStatus.allCases.map(\.rawValue).joined(separator: ", "))", field: "/status")
        }
        var why: String?
        if next.isBefore(campaign.status) {
            let text = try clean(reason ?? "", Self.reasonLimit, field: "/reason", label: "lý do", allowEmpty: true)
            guard !text.isEmpty else {
                throw AppError.invalid("lùi về \"\(next.label)\" cần ghi lý do (moving a campaign back needs a reason)", field: "/reason")
            }
            why = text
        }
        return try await moveStatus(id, to: next, reason: why, expecting: campaign.status, by: user)
    }

    /// The next phase, the one everyday step (nil when closed).
    public func advance(_ id: Int, by user: User?) async throws -> Campaign {
        let user = try platform.require(user, .manageCampaigns)
        let campaign = try await platform.visibleCampaign(id, for: user)
        guard let next = campaign.status.next else {
            throw AppError.conflict("kỳ đo lường đã đóng, không còn bước tiếp theo (the campaign is closed)", field: "/status")
        }
        return try await setStatus(id, to: next.rawValue, by: user)
    }

    /// The status change itself, for an administrator already checked (or the operator: nil).
    /// `expecting`: the status the page showed, so that a form sent twice does not step twice.
    func moveStatus(_ id: Int, to next: CampaignStatus, reason: String? = nil, expecting: CampaignStatus? = nil, by user: User?) async throws -> Campaign {
        let campaigns = platform.store.campaigns
        let changed = try await platform.transaction { sql in
            // Read again inside the transaction: two changes at once must not both step from the same status.
            guard let current = try await campaigns.find(id: id, on: sql) else { throw AppError.notFound("kỳ đo lường \(id)") }
            if let expecting, expecting != current.status {
                throw AppError.conflict("kỳ đo lường vừa được chuyển sang \"\(current.status.label)\"; hãy xem lại trước khi chuyển tiếp (the status changed meanwhile)", field: "/status")
            }
            guard current.status.canMove(to: next) else {
                throw AppError.conflict("không chuyển được từ \"\(current.status.label)\" sang \"\(next.label)\"; chỉ chuyển tới hoặc lùi một bước (only one step at a time)", field: "/status")
            }
            try await campaigns.setStatus(current, to: next, userId: user?.id, reason: reason, on: sql)
            try await platform.recordState(user, .campaign, id: String(id), action: "campaign.status",
                                           detail: "\(current.status.rawValue)→\(next.rawValue)", on: sql)
            var updated = current
            updated.status = next
            return updated
        }
        platform.publicationEpoch.bump()
        return changed
    }
}
