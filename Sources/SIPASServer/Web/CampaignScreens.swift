import Foundation
import Hummingbird
import SIPASApp
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
        form("/campaigns/{id}/status") { _, context, user, form in
            let id = try Self.id(context)
            do {
                _ = try await platform.campaigns.setStatus(id, to: form["status"] ?? "", by: user)
            } catch let error as AppError where error.kind == .invalid || error.kind == .conflict {
                var page = CampaignPage(try await platform.campaigns.detail(id, by: user), user: user, csrf: context.csrfToken, message: nil)
                page.statusError = error.message
                return templates.page("campaign", page, status: error.status)
            }
            return Self.redirect("/campaigns/\(id)?message=status")
        }
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
    }

    struct StatusOption: Sendable {
        var value: String
        var label: String
    }

    var chrome: Chrome
    var campaign: CampaignLine
    var legalBasis: String
    var questionnaire: String
    var responses: String
    var disclosureMinN: Int
    var units: [UnitLine]
    var unitCount: String
    var phases: [PhaseLine]
    var history: [HistoryLine]
    var canManage: Bool
    var canUpload: Bool
    /// Published (or closed after it): the public pages show it.
    var isPublic: Bool
    var canPublish: Bool
    var figuresFinal: Bool
    var nextStatuses: [StatusOption]
    var statusError: String?
    var statusChanged: Bool
    var created: Bool

    init(_ detail: Campaigns.Detail, user: User, csrf: String?, message: String?) {
        let campaign = detail.campaign
        chrome = Chrome(title: campaign.title, user: user, csrf: csrf, section: "campaigns")
        self.campaign = CampaignLine(campaign)
        legalBasis = campaign.legalBasis
        questionnaire = detail.questionnaire
        responses = VietnameseFormat.count(detail.responses)
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
            return HistoryLine(at: VietnameseFormat.dateTime(change.at), change: from.map { "\($0) → \(to)" } ?? to)
        }
        canManage = AccessPolicy.allows(user.role, .manageCampaigns)
        canUpload = AccessPolicy.allows(user.role, .importResponses) && campaign.status.acceptsResponses
        isPublic = Publications.isPublic(campaign.status)
        canPublish = canManage && campaign.status == .analysis
        figuresFinal = campaign.status.figuresAreFinal
        nextStatuses = CampaignStatus.allCases.filter { campaign.status.canMove(to: $0) }.map { StatusOption(value: $0.rawValue, label: $0.label) }
        statusChanged = message == "status"
        created = message == "created"
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
