import Foundation
import SIPASCore
import SIPASStore

/// Who may see and do what in a campaign's fieldwork: its administrators everything; a post
/// office's supervisor the cases of its enumerators; an enumerator the cases given to them; the
/// ministry's analysts the figures of progress. Every fieldwork use case starts here.
struct FieldworkScope: Sendable {
    let user: User
    let campaign: Campaign
    let isAdmin: Bool
    /// The enumerators whose cases this account reaches; nil: every case (administrators, analysts).
    let enumeratorIds: Set<Int>?
    /// The draw the fieldwork works on.
    let draw: SamplingRepository.Draw
    /// The first day a disposition may carry: the fieldwork phase's start, else the campaign's year's.
    let fieldworkStarts: String

    func reaches(_ c: FieldworkRepository.FieldCase) -> Bool {
        guard let enumeratorIds else { return true }
        return c.enumeratorId.map(enumeratorIds.contains) ?? false
    }

    /// The message of a case this account does not reach: the same as a case that does not exist,
    /// so that codes cannot be probed.
    static func unknownCase(_ code: String) -> String { "không có trường hợp \(code) trong các trường hợp của bạn (an unknown case)" }
}

extension Platform {
    func fieldworkScope(_ campaignId: Int, _ user: User?, _ action: Action) async throws -> FieldworkScope {
        let user = try require(user, action)
        let campaign = try await visibleCampaign(campaignId, for: user)
        let isAdmin = try await isCampaignAdmin(user, campaign)
        let store = FieldworkRepository()
        var enumerators: Set<Int>?
        switch user.role {
        case .enumerator:
            enumerators = [user.id]
        case .fieldSupervisor:
            guard let office = user.postOfficeId else { throw AppError.forbidden("tài khoản giám sát chưa thuộc bưu điện nào (the supervisor has no post office)") }
            enumerators = Set(try await read { sql in try await store.members(postOfficeId: office, on: sql) }.filter { $0.role == .enumerator }.map(\.id))
        case .ministryAnalyst, .systemAdmin:
            enumerators = nil
        case .provinceAdmin:
            guard isAdmin else { throw AppError.forbidden("chỉ người quản trị kỳ đo lường mới điều hành điều tra thực địa (campaign administrators only)") }
            enumerators = nil
        case .unitViewer, .dataEntryClerk:
            throw AppError.forbidden("vai trò này không tham gia điều tra thực địa (not a fieldwork role)")
        }
        let draws = try await read { sql in try await SamplingRepository().draws(campaignId: campaign.id, on: sql) }
        guard let draw = draws.last(where: \.isFinal) else {
            throw AppError.conflict("kỳ đo lường chưa có lần rút mẫu chính thức; hãy rút mẫu trước khi phân công (no final draw yet)")
        }
        let phases = try await read { sql in try await self.store.campaigns.phases(of: campaign.id, on: sql) }
        let starts = phases.first { $0.phase == .fieldwork }?.startsOn ?? String(format: "%04d-01-01", campaign.year)
        return FieldworkScope(user: user, campaign: campaign, isAdmin: isAdmin, enumeratorIds: enumerators, draw: draw, fieldworkStarts: starts)
    }

    /// Cases are recorded while questionnaires are out and coming back.
    func requireFieldworkOpen(_ campaign: Campaign) throws {
        guard campaign.status == .fieldwork || campaign.status == .entry else {
            throw AppError.conflict("kỳ đo lường đang ở bước \"\(campaign.status.label)\"; kết quả điều tra chỉ được ghi ở bước điều tra thực địa hoặc nhập liệu (fieldwork is closed)")
        }
    }
}
