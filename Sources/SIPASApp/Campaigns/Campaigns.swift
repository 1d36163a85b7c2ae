import Foundation
import SIPASCore
import SIPASStore
import SQLKit

/// Measurement campaigns: their plan (questionnaire, owner, measured units with targets, phases),
/// their one-step status changes, and the focal points of their units.
public struct Campaigns: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }
    var campaigns: CampaignRepository { platform.store.campaigns }

    public static let codeLimit = 60
    public static let titleLimit = 500
    public static let legalBasisLimit = 4000
    public static let targetTextLimit = 100
    /// The 2025 register has 3,321 communes: a campaign measures at most that many units and a
    /// little more (agencies beside them).
    public static let maxMeasuredUnits = 4_000
    public static let years = 2000...2100
    public static let disclosureFloors = 10...10_000

    public func list(by user: User?, limit: Int, offset: Int) async throws -> [Campaign] {
        let user = try platform.require(user, .readCampaigns)
        let scope = try await platform.scope(of: user)
        return try await platform.read { sql in try await campaigns.list(covering: scope, limit: limit, offset: offset, on: sql) }
    }

    public func campaign(_ id: Int, by user: User?) async throws -> Campaign {
        let user = try platform.require(user, .readCampaigns)
        return try await platform.visibleCampaign(id, for: user)
    }

    public struct Detail: Sendable {
        public var campaign: Campaign
        /// The owner (its register tells which units the campaign is on); nil for a national campaign.
        public var owner: AdminUnit?
        public var questionnaire: String
        public var units: [(unit: AdminUnit, target: CampaignRepository.MeasuredUnit)]
        public var phases: [CampaignRepository.PhaseDates]
        public var history: [CampaignRepository.StatusChange]
        /// Responses received, for those who may read them; for aggregate audiences the count of
        /// the release they read (nil before entry closes): a live count would show one late
        /// response arriving while every figure stays on the held release.
        public var responses: Int?
        /// Releases made of its figures: once any exist, it can no longer be deleted.
        public var releases: Int

        /// A draft on which nothing depends can be edited and deleted.
        public var isEditable: Bool { campaign.status == .draft && (responses ?? 0) == 0 && releases == 0 }
    }

    public func detail(_ id: Int, by user: User?) async throws -> Detail {
        let campaign = try await self.campaign(id, by: user)
        let questionnaires = platform.store.questionnaires, responses = platform.store.responses, campaigns = campaigns
        var detail = try await platform.read { sql in
            let q = try await questionnaires.find(id: campaign.questionnaireId, on: sql)
            let owner = try await campaign.ownerUnitId.asyncMap { try await platform.store.units.find(id: $0) } ?? nil
            return Detail(campaign: campaign, owner: owner, questionnaire: q.map { "\($0.questionnaire.id)@\($0.questionnaire.version)" } ?? "",
                          units: try await campaigns.units(of: campaign.id, on: sql), phases: try await campaigns.phases(of: campaign.id, on: sql),
                          history: try await campaigns.history(of: campaign.id, on: sql),
                          responses: try await responses.count(campaignId: campaign.id, on: sql),
                          releases: try await ReleaseRepository().count(campaignId: campaign.id, on: sql))
        }
        if let user, try await !platform.hasResponseAccess(user, campaign) {
            detail.responses = try await releasedCount(campaign, for: user)
        }
        return detail
    }

    /// How many responses the figures an aggregate audience reads cover (the release's total); nil
    /// while entry is open or where the release withholds it.
    private func releasedCount(_ campaign: Campaign, for user: User) async throws -> Int? {
        guard campaign.status.figuresAreFinal else { return nil }
        let request = CampaignIndexQueries.Request(by: [], minN: campaign.disclosureMinN, geography: .asMeasured, measures: .index)
        let count = try await platform.index.compute(campaign, request, for: .account(user)).responses
        return count > 0 ? count : nil
    }

    public struct MeasuredUnitInput: Sendable {
        public var unitId: Int
        public var targetPercent: Double?
        /// ">" ("trên", the default) or ">=" ("đạt").
        public var targetComparator: String?
        public var targetText: String?
        public init(unitId: Int, targetPercent: Double? = nil, targetComparator: String? = nil, targetText: String? = nil) {
            self.unitId = unitId
            self.targetPercent = targetPercent
            self.targetComparator = targetComparator
            self.targetText = targetText
        }
    }

    public struct PhaseInput: Sendable {
        public var phase: String
        public var startsOn: String
        public var endsOn: String
        public init(phase: String, startsOn: String, endsOn: String) {
            self.phase = phase
            self.startsOn = startsOn
            self.endsOn = endsOn
        }
    }

    public struct NewCampaign: Sendable {
        public var code: String
        public var year: Int
        public var title: String
        public var legalBasis: String
        public var questionnaireCode: String
        public var questionnaireVersion: Int
        public var ownerUnitId: Int?
        public var disclosureMinN: Int?
        public var units: [MeasuredUnitInput]
        public var phases: [PhaseInput]
        public var signature: ReportSignature

        public init(code: String, year: Int, title: String, legalBasis: String = "", questionnaireCode: String, questionnaireVersion: Int,
                    ownerUnitId: Int?, disclosureMinN: Int? = nil, units: [MeasuredUnitInput], phases: [PhaseInput] = [],
                    signature: ReportSignature = ReportSignature()) {
            self.code = code
            self.year = year
            self.title = title
            self.legalBasis = legalBasis
            self.questionnaireCode = questionnaireCode
            self.questionnaireVersion = questionnaireVersion
            self.ownerUnitId = ownerUnitId
            self.disclosureMinN = disclosureMinN
            self.units = units
            self.phases = phases
            self.signature = signature
        }
    }

    /// A plan checked against every rule, ready to store.
    struct CheckedPlan {
        var title: String
        var legalBasis: String
        var floor: Int
        var owner: AdminUnit?
        var units: [CampaignRepository.MeasuredUnit]
        var phases: [CampaignRepository.PhaseDates]
        var signature: ReportSignature
    }

    /// Every field is checked, and every problem reported at once (an official fixes them in one
    /// pass): one problem is that error; several are one error listing each with its field.
    func check(_ new: NewCampaign, by user: User) async throws -> CheckedPlan {
        var problems: [AppError] = []
        func attempt<T>(_ body: () async throws -> T) async throws -> T? {
            do { return try await body() } catch let error as AppError where error.kind == .invalid || error.kind == .forbidden {
                problems.append(error)
                return nil
            }
        }
        _ = try await attempt {
            guard TextRules.isCode(new.code), new.code.count <= Self.codeLimit else {
                throw AppError.invalid("mã kỳ đo lường gồm tối đa \(Self.codeLimit) chữ cái không dấu, chữ số và . _ -, ví dụ LSN-VQ-2023 (campaign code characters)", field: "/code")
            }
        }
        _ = try await attempt {
            guard Self.years.contains(new.year) else { throw AppError.invalid("năm phải từ 2000 đến 2100 (year out of range)", field: "/year") }
        }
        let title = try await attempt { try clean(new.title, Self.titleLimit, field: "/title", label: "tên kỳ đo lường") }
        let legalBasis = try await attempt {
            try clean(new.legalBasis, Self.legalBasisLimit, field: "/legal_basis", label: "căn cứ pháp lý", multiline: true, allowEmpty: true)
        }
        let floor = new.disclosureMinN ?? Campaign.defaultDisclosureMinN
        _ = try await attempt {
            guard Self.disclosureFloors.contains(floor) else {
                throw AppError.invalid("ngưỡng công bố tối thiểu phải từ \(Self.disclosureFloors.lowerBound) đến \(Self.disclosureFloors.upperBound) phiếu (disclosure floor out of range)", field: "/disclosure_min_n")
            }
        }
        // The owner may be none (a national campaign): "checked" is whether it passed.
        var owner: AdminUnit?
        var units: [CampaignRepository.MeasuredUnit]?
        if let checked: AdminUnit? = try await attempt({ try await ownerUnit(new.ownerUnitId, for: user) }) {
            owner = checked
            units = try await attempt { try await measuredUnits(new.units, owner: checked, year: new.year, user: user) }
        }
        let phases = try await attempt { try phaseDates(new.phases) }
        let signed = try await attempt { try self.signature(new.signature) }
        if problems.count == 1 { throw problems[0] }
        if problems.count > 1 {
            throw AppError(problems.contains { $0.kind == .forbidden } ? .forbidden : .invalid,
                           "kế hoạch có \(problems.count) chỗ cần sửa (\(problems.count) problems in the plan)", field: problems[0].field,
                           items: problems.map { AppError.Item(field: $0.field, message: $0.message) })
        }
        return CheckedPlan(title: title!, legalBasis: legalBasis!, floor: floor, owner: owner, units: units!, phases: phases!,
                           signature: signed!)
    }

    /// Creates a campaign in draft. Its measured units lie inside its owner's subtree and the
    /// creator's scope (a province cannot measure, or read the responses of, another province),
    /// and exist in its year.
    public func create(_ new: NewCampaign, by user: User?) async throws -> Campaign {
        let user = try platform.require(user, .manageCampaigns)
        let plan = try await check(new, by: user)
        let code = new.code, year = new.year, qCode = new.questionnaireCode, qVersion = new.questionnaireVersion
        return try await platform.transaction { sql in
            let questionnaire = try await questionnaireId(qCode, qVersion, on: sql)
            if try await campaigns.find(code: code, on: sql) != nil {
                throw AppError.conflict("đã có kỳ đo lường mã \"\(code)\" (a campaign with this code exists; codes are compared without case)", field: "/code")
            }
            let campaign = try await campaigns.create(code: code, year: year, title: plan.title, legalBasis: plan.legalBasis,
                                                      questionnaireId: questionnaire, ownerUnitId: plan.owner?.id, disclosureMinN: plan.floor,
                                                      signature: plan.signature, units: plan.units, phases: plan.phases, userId: user.id, on: sql)
            try await platform.recordState(user, .campaign, id: String(campaign.id), action: "campaign.create",
                                           detail: "\(code)|\(year)|\(qCode)@\(qVersion)|\(plan.units.count) units|min_n \(plan.floor)", on: sql)
            return campaign
        }
    }

    /// Replaces a draft's plan while nothing depends on it (no responses, no release).
    public func update(_ id: Int, _ new: NewCampaign, by user: User?) async throws -> Campaign {
        let user = try platform.require(user, .manageCampaigns)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try await platform.requireCampaignAdmin(user, campaign)
        let plan = try await check(new, by: user)
        let code = new.code, year = new.year, qCode = new.questionnaireCode, qVersion = new.questionnaireVersion
        try await platform.transaction { sql in
            try await requireEditable(id, on: sql)
            let questionnaire = try await questionnaireId(qCode, qVersion, on: sql)
            if let other = try await campaigns.find(code: code, on: sql), other.id != id {
                throw AppError.conflict("đã có kỳ đo lường mã \"\(code)\" (a campaign with this code exists)", field: "/code")
            }
            try await campaigns.updateDraft(id, code: code, year: year, title: plan.title, legalBasis: plan.legalBasis, questionnaireId: questionnaire,
                                            ownerUnitId: plan.owner?.id, disclosureMinN: plan.floor, signature: plan.signature,
                                            units: plan.units, phases: plan.phases, on: sql)
            try await platform.recordState(user, .campaign, id: String(id), action: "campaign.update",
                                           detail: "\(code)|\(year)|\(qCode)@\(qVersion)|\(plan.units.count) units|min_n \(plan.floor)", on: sql)
        }
        return try await platform.visibleCampaign(id, for: user)
    }

    /// Sets who issues and signs the report, at any phase before it is closed.
    public func setSignature(_ id: Int, _ input: ReportSignature, by user: User?) async throws -> Campaign {
        let user = try platform.require(user, .manageCampaigns)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try await platform.requireCampaignAdmin(user, campaign)
        let signature = try signature(input)
        try await platform.transaction { sql in
            try await campaigns.setSignature(id, signature, on: sql)
            try await platform.recordState(user, .campaign, id: String(id), action: "campaign.signature", detail: "report signature", on: sql)
        }
        return try await platform.visibleCampaign(id, for: user)
    }

    /// Deletes a draft on which nothing depends; the audit trail keeps that it existed.
    public func delete(_ id: Int, by user: User?) async throws {
        let user = try platform.require(user, .manageCampaigns)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try await platform.requireCampaignAdmin(user, campaign)
        try await platform.transaction { sql in
            try await requireEditable(id, on: sql)
            try await campaigns.delete(id, on: sql)
            try await platform.recordState(user, .campaign, id: String(id), action: "campaign.delete", detail: campaign.code, on: sql)
        }
    }

    private func requireEditable(_ id: Int, on sql: any SQLDatabase) async throws {
        guard let current = try await campaigns.find(id: id, on: sql) else { throw AppError.notFound("kỳ đo lường \(id)") }
        guard current.status == .draft else {
            throw AppError.conflict("chỉ sửa hoặc xóa được kỳ đo lường ở trạng thái \"\(CampaignStatus.draft.label)\"; kỳ này đang \"\(current.status.label)\" (only a draft can be edited or deleted)", field: "/status")
        }
        let responses = try await platform.store.responses.count(campaignId: id, on: sql)
        let releases = try await ReleaseRepository().count(campaignId: id, on: sql)
        if responses > 0 || releases > 0 {
            throw AppError.conflict("kỳ đo lường đã có phiếu hoặc số liệu đã công bố, không sửa hoặc xóa được (responses or releases depend on it)", field: "/status")
        }
        // A frame or a draw fixes whom the campaign asks: discarding it would let seeds be tried again.
        if try await SamplingRepository().hasSampling(campaignId: id, on: sql) {
            throw AppError.conflict("kỳ đo lường đã có khung mẫu hoặc lần rút mẫu, không sửa hoặc xóa được (sampling depends on it)", field: "/status")
        }
    }

    private func questionnaireId(_ code: String, _ version: Int, on sql: any SQLDatabase) async throws -> Int {
        guard let questionnaire = try await platform.store.questionnaires.find(code: code, version: version, on: sql) else {
            throw AppError.invalid("không có bảng hỏi \(code) phiên bản \(version)", field: "/questionnaire_code")
        }
        return questionnaire.id
    }
}
