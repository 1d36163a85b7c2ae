import Foundation
import Hummingbird
import SIPASApp
import SIPASReports
import SIPASCore

/// The campaigns list and a campaign's page: plan, measured units and targets, status with its
/// history, and the way to its dashboards.
extension WebScreens {
    func registerCampaignScreens() {
        page("/campaigns") { _, context, user in
            let campaigns = try await platform.campaigns.list(by: user, limit: 500, offset: 0)
            return templates.page("campaigns", CampaignsPage(chrome: Chrome(title: "Kỳ đo lường", user: user, csrf: context.csrfToken, section: "campaigns"),
                                                             campaigns: campaigns.map(CampaignLine.init), hasCampaigns: !campaigns.isEmpty,
                                                             canCreate: AccessPolicy.allows(user.role, .manageCampaigns)))
        }
        page("/campaigns/{id}") { request, context, user in
            let detail = try await platform.campaigns.detail(try Self.id(context), by: user)
            return templates.page("campaign", CampaignPage(detail, user: user, csrf: context.csrfToken, message: Self.query(request, "message")))
        }
        // The everyday step forward; the form carries the status it was shown from, so pressing
        // twice steps once. Publishing goes through its preview instead.
        form("/campaigns/{id}/status") { _, context, user, form in
            try platform.authorize(user, .manageCampaigns)
            let id = try Self.id(context)
            do {
                let detail = try await platform.campaigns.detail(id, by: user)
                guard let shown = CampaignStatus(rawValue: form["from"] ?? ""), let next = shown.next else {
                    throw AppError.invalid("Biểu mẫu thiếu trạng thái hiện tại; hãy tải lại trang.", field: "/status")
                }
                if next == .published && form["confirm"] != "yes" { return Self.redirect("/campaigns/\(id)/publish") }
                guard detail.campaign.status == shown else {
                    throw AppError.conflict("Kỳ đo lường vừa được chuyển sang \"\(detail.campaign.status.label)\"; hãy xem lại trước khi chuyển tiếp.", field: "/status")
                }
                _ = try await platform.campaigns.setStatus(id, to: next.rawValue, by: user)
            } catch let error as AppError where error.kind == .invalid || error.kind == .conflict {
                return try await campaignPage(id, user: user, context: context, status: error.status) { $0.statusError = WebMessage.vietnamese(error.message) }
            }
            return Self.redirect("/campaigns/\(id)?message=status")
        }
        // Stepping back is separate, confirmed and explained.
        form("/campaigns/{id}/status/back") { _, context, user, form in
            let id = try Self.id(context)
            do {
                let detail = try await platform.campaigns.detail(id, by: user)
                guard form["confirm"] == "yes" else { throw AppError.invalid("Hãy đánh dấu ô xác nhận lùi trạng thái.", field: "/reason") }
                guard let shown = CampaignStatus(rawValue: form["from"] ?? ""), shown == detail.campaign.status, let previous = shown.previous else {
                    throw AppError.conflict("Trạng thái của kỳ đo lường vừa thay đổi; hãy xem lại.", field: "/status")
                }
                _ = try await platform.campaigns.setStatus(id, to: previous.rawValue, reason: form["reason"], by: user)
            } catch let error as AppError where error.kind == .invalid || error.kind == .conflict {
                return try await campaignPage(id, user: user, context: context, status: error.status) {
                    $0.backError = WebMessage.vietnamese(error.message)
                    $0.backReason = form["reason"] ?? ""
                }
            }
            return Self.redirect("/campaigns/\(id)?message=status")
        }
        form("/campaigns/{id}/signature") { _, context, user, form in
            let id = try Self.id(context)
            do {
                let signature = ReportSignature(issuer: form["issuer"], capacity: try Campaigns.capacity(form["signer_capacity"]),
                                                title: form["signer_title"], name: form["signer_name"])
                _ = try await platform.campaigns.setSignature(id, signature, by: user)
            } catch let error as AppError where error.kind == .invalid {
                return try await campaignPage(id, user: user, context: context, status: error.status) { $0.signatureError = WebMessage.vietnamese(error.message) }
            }
            return Self.redirect("/campaigns/\(id)?message=signature#chu-ky")
        }
    }
}

extension WebScreens {
    func campaignPage(_ id: Int, user: User, context: AppRequestContext, status: HTTPResponse.Status,
                      _ change: (inout CampaignPage) -> Void) async throws -> Response {
        var page = CampaignPage(try await platform.campaigns.detail(id, by: user), user: user, csrf: context.csrfToken, message: nil)
        change(&page)
        return templates.page("campaign", page, status: status)
    }
}

struct CampaignsPage: Sendable {
    var chrome: Chrome
    var campaigns: [CampaignLine]
    var hasCampaigns: Bool
    var canCreate: Bool
}

struct CampaignPage: Sendable {
    struct UnitLine: Sendable {
        var code: String
        var name: String
        var target: String?
    }

    struct PhaseLine: Sendable {
        var label: String
        var dates: String
    }

    struct HistoryLine: Sendable {
        var at: String
        var change: String
        var who: String
        var reason: String?
    }

    struct Step: Sendable {
        var label: String
        var state: String
    }


    var chrome: Chrome
    var campaign: CampaignLine
    var legalBasis: String?
    var questionnaire: String
    var hasPhases: Bool
    var responses: String
    var disclosureMinN: Int
    var units: [UnitLine]
    var unitCount: String
    var phases: [PhaseLine]
    var history: [HistoryLine]
    var owner: String
    var register: String
    var steps: [Step]
    var nextLabel: String?
    var nextIsPublish: Bool
    var previousLabel: String?
    var statusValue: String
    var canEdit: Bool
    var deleteError: String?
    var backError: String?
    var backReason = ""
    var signatureError: String?
    var signatureSaved: Bool
    var issuer: String
    var signerTitle: String
    var signerName: String
    var capacities: [CampaignForm.Option]
    var canManage: Bool
    var canReadFieldwork: Bool
    var canRecordDispositions: Bool
    var canKeyForms: Bool
    var canUpload: Bool
    /// Published (or closed after it): the public pages show it.
    var isPublic: Bool
    var canPublish: Bool
    var figuresFinal: Bool
    var statusError: String?
    var statusChanged: Bool
    var created: Bool
    var updated: Bool

    init(_ detail: Campaigns.Detail, user: User, csrf: String?, message: String?) {
        let campaign = detail.campaign
        chrome = Chrome(title: campaign.title, user: user, csrf: csrf, section: "campaigns")
        self.campaign = CampaignLine(campaign)
        legalBasis = campaign.legalBasis.isEmpty ? nil : campaign.legalBasis
        let parts = detail.questionnaire.split(separator: "@")
        questionnaire = parts.count == 2 ? "\(parts[0]), phiên bản \(parts[1])" : detail.questionnaire
        hasPhases = !detail.phases.isEmpty
        responses = detail.responses.map { VietnameseFormat.count($0) } ?? "chưa công bố"
        disclosureMinN = campaign.disclosureMinN
        units = detail.units.map { unit, measured in
            let target = measured.target.map { "\($0.comparator.label) \(VietnameseFormat.percent($0.percent))" }
            return UnitLine(code: unit.code, name: unit.name, target: measured.targetText ?? target)
        }
        unitCount = VietnameseFormat.count(detail.units.count)
        phases = detail.phases.map { PhaseLine(label: $0.phase.label, dates: "\(VietnameseFormat.date($0.startsOn)) – \(VietnameseFormat.date($0.endsOn))") }
        history = detail.history.map { change in
            let from = change.from.flatMap(CampaignStatus.init(rawValue:))?.label
            let to = CampaignStatus(rawValue: change.to)?.label ?? change.to
            return HistoryLine(at: VietnameseFormat.dateTime(change.at), change: from.map { "\($0) → \(to)" } ?? "Tạo: \(to)",
                               who: change.username ?? "hệ thống", reason: change.reason)
        }
        owner = detail.owner?.name ?? "Bộ Nội vụ (toàn quốc)"
        register = Self.registerLabel(detail.units.map(\.unit))
        let current = CampaignStatus.allCases.firstIndex(of: campaign.status)!
        steps = CampaignStatus.allCases.enumerated().map { i, status in
            Step(label: status.label, state: i < current ? "done" : i == current ? "current" : "todo")
        }
        nextLabel = campaign.status.next?.label
        nextIsPublish = campaign.status.next == .published
        previousLabel = campaign.status.previous?.label
        statusValue = campaign.status.rawValue
        canEdit = detail.isEditable && AccessPolicy.allows(user.role, .manageCampaigns)
        let signature = campaign.signature
        issuer = signature.issuer ?? ""
        signerTitle = signature.title ?? ""
        signerName = signature.name ?? ""
        capacities = CampaignForm.capacityOptions(selected: signature.capacity.rawValue)
        signatureSaved = message == "signature"
        canManage = AccessPolicy.allows(user.role, .manageCampaigns)
        canReadFieldwork = AccessPolicy.allows(user.role, .readFieldwork)
        canRecordDispositions = user.role == .enumerator || user.role == .fieldSupervisor
        canKeyForms = AccessPolicy.allows(user.role, .keyForms) && (campaign.status == .fieldwork || campaign.status == .entry)
        canUpload = AccessPolicy.allows(user.role, .importResponses) && campaign.status.acceptsResponses
        isPublic = Publications.isPublic(campaign.status)
        canPublish = canManage && campaign.status == .analysis
        figuresFinal = campaign.status.figuresAreFinal
        statusChanged = message == "status"
        created = message == "created"
        updated = message == "updated"
    }

    /// Which register the measured units come from, as an official names it.
    static func registerLabel(_ units: [AdminUnit]) -> String {
        let registers = Set(units.map(\.register))
        if registers == [.reform2025] { return "Danh mục đơn vị hành chính từ 01/07/2025" }
        if registers == [.legacy] { return "Danh mục đơn vị hành chính trước 01/07/2025" }
        return "Đơn vị theo nhiều danh mục (trước và từ 01/07/2025, cơ quan)"
    }
}

extension CampaignPhase {
    var label: String {
        switch self {
        case .plan: return "Lập kế hoạch"
        case .sampling: return "Chọn mẫu"
        case .fieldwork: return "Điều tra thực địa"
        case .entry: return "Nhập liệu"
        case .analysis: return "Phân tích"
        case .publication: return "Công bố"
        }
    }
}
