import Foundation
import SIPASCore
import SIPASStore

/// Measurement campaigns: their plan (questionnaire, owner, measured units with targets, phases),
/// their one-step status changes, and the focal points of their units.
public struct Campaigns: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }
    private var campaigns: CampaignRepository { platform.store.campaigns }

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
        public var questionnaire: String
        public var units: [(unit: AdminUnit, target: CampaignRepository.MeasuredUnit)]
        public var phases: [CampaignRepository.PhaseDates]
        public var history: [CampaignRepository.StatusChange]
        public var responses: Int
    }

    public func detail(_ id: Int, by user: User?) async throws -> Detail {
        let campaign = try await self.campaign(id, by: user)
        let questionnaires = platform.store.questionnaires, responses = platform.store.responses, campaigns = campaigns
        return try await platform.read { sql in
            let q = try await questionnaires.find(id: campaign.questionnaireId, on: sql)
            return Detail(campaign: campaign, questionnaire: q.map { "\($0.questionnaire.id)@\($0.questionnaire.version)" } ?? "",
                          units: try await campaigns.units(of: campaign.id, on: sql), phases: try await campaigns.phases(of: campaign.id, on: sql),
                          history: try await campaigns.history(of: campaign.id, on: sql),
                          responses: try await responses.count(campaignId: campaign.id, on: sql))
        }
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

        public init(code: String, year: Int, title: String, legalBasis: String = "", questionnaireCode: String, questionnaireVersion: Int,
                    ownerUnitId: Int?, disclosureMinN: Int? = nil, units: [MeasuredUnitInput], phases: [PhaseInput] = []) {
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
        }
    }

    /// Creates a campaign in draft. Its measured units lie inside its owner's subtree and the
    /// creator's scope: a province cannot measure, or read the responses of, another province.
    public func create(_ new: NewCampaign, by user: User?) async throws -> Campaign {
        let user = try platform.require(user, .manageCampaigns)
        guard TextRules.isCode(new.code), new.code.count <= Self.codeLimit else {
            throw AppError.invalid("mã kỳ đo lường gồm tối đa \(Self.codeLimit) chữ cái không dấu, chữ số và . _ -, ví dụ LSN-VQ-2023 (campaign code characters)", field: "/code")
        }
        guard Self.years.contains(new.year) else { throw AppError.invalid("năm phải từ 2000 đến 2100 (year out of range)", field: "/year") }
        let title = try clean(new.title, Self.titleLimit, field: "/title", label: "tên kỳ đo lường")
        let legalBasis = try clean(new.legalBasis, Self.legalBasisLimit, field: "/legal_basis", label: "căn cứ pháp lý", multiline: true, allowEmpty: true)
        let floor = new.disclosureMinN ?? Campaign.defaultDisclosureMinN
        guard Self.disclosureFloors.contains(floor) else {
            throw AppError.invalid("ngưỡng công bố tối thiểu phải từ \(Self.disclosureFloors.lowerBound) đến \(Self.disclosureFloors.upperBound) phiếu (disclosure floor out of range)", field: "/disclosure_min_n")
        }
        let owner = try await ownerUnit(new.ownerUnitId, for: user)
        let measured = try await measuredUnits(new.units, owner: owner, user: user)
        let phases = try phaseDates(new.phases)
        let code = new.code, year = new.year, qCode = new.questionnaireCode, qVersion = new.questionnaireVersion
        return try await platform.transaction { sql in
            guard let questionnaire = try await platform.store.questionnaires.find(code: qCode, version: qVersion, on: sql) else {
                throw AppError.invalid("không có bảng hỏi \(qCode) phiên bản \(qVersion)", field: "/questionnaire_code")
            }
            if try await campaigns.find(code: code, on: sql) != nil {
                throw AppError.conflict("đã có kỳ đo lường mã \"\(code)\" (a campaign with this code exists; codes are compared without case)", field: "/code")
            }
            let campaign = try await campaigns.create(code: code, year: year, title: title, legalBasis: legalBasis,
                                                      questionnaireId: questionnaire.id, ownerUnitId: owner?.id, disclosureMinN: floor,
                                                      units: measured, phases: phases, userId: user.id, on: sql)
            try await platform.recordState(user, .campaign, id: String(campaign.id), action: "campaign.create",
                                           detail: "\(code)|\(year)|\(qCode)@\(qVersion)|\(measured.count) units|min_n \(floor)", on: sql)
            return campaign
        }
    }

    private func clean(_ text: String, _ limit: Int, field: String, label: String, multiline: Bool = false, allowEmpty: Bool = false) throws -> String {
        do { return try TextRules.clean(text, maxLength: limit, multiline: multiline, allowEmpty: allowEmpty) } catch {
            throw AppError.text(error, field: field, label: label)
        }
    }

    private func ownerUnit(_ id: Int?, for user: User) async throws -> AdminUnit? {
        guard let id else {
            if user.role.isNational { return nil }
            throw AppError.invalid("cần đơn vị chủ trì kỳ đo lường (owner_unit_id)", field: "/owner_unit_id")
        }
        guard let owner = try await platform.store.units.find(id: id) else { throw AppError.invalid("không có đơn vị \(id)", field: "/owner_unit_id") }
        try await platform.requireInScope(user, unit: owner, field: "/owner_unit_id")
        return owner
    }

    private func measuredUnits(_ inputs: [MeasuredUnitInput], owner: AdminUnit?, user: User) async throws -> [CampaignRepository.MeasuredUnit] {
        guard !inputs.isEmpty else { throw AppError.invalid("cần ít nhất một đơn vị được đo lường (no measured units)", field: "/units") }
        guard inputs.count <= Self.maxMeasuredUnits else {
            throw AppError.invalid("tối đa \(Self.maxMeasuredUnits) đơn vị trong một kỳ đo lường (too many measured units)", field: "/units")
        }
        var measured: [CampaignRepository.MeasuredUnit] = []
        var codes = Set<String>()
        for (i, u) in inputs.enumerated() {
            let field = "/units/\(i)"
            guard let unit = try await platform.store.units.find(id: u.unitId) else {
                throw AppError.invalid("không có đơn vị \(u.unitId) (unknown unit)", field: "\(field)/unit_id")
            }
            try await platform.requireInScope(user, unit: unit, field: "\(field)/unit_id")
            if let owner, !owner.contains(unit) {
                throw AppError.forbidden("đơn vị \(unit.name) không thuộc đơn vị chủ trì \(owner.name) (a campaign measures units inside its owner only)", field: "\(field)/unit_id")
            }
            if measured.contains(where: { $0.unitId == u.unitId }) { throw AppError.invalid("đơn vị \(u.unitId) bị lặp", field: "\(field)/unit_id") }
            // Responses name their unit by code: two measured units with one code would be one group.
            guard codes.insert(unit.code.lowercased()).inserted else {
                throw AppError.invalid("hai đơn vị được đo có cùng mã \(unit.code) (\(unit.name)); mỗi đơn vị trong một kỳ đo lường phải có mã riêng (two measured units share a code)", field: "\(field)/unit_id")
            }
            var target: Target?
            if let percent = u.targetPercent {
                guard percent.isFinite, (0...100).contains(percent) else { throw AppError.invalid("chỉ tiêu phải từ 0 đến 100", field: "\(field)/target_percent") }
                guard let comparator = Target.Comparator(rawValue: u.targetComparator ?? ">") else {
                    throw AppError.invalid("so sánh chỉ tiêu là \">\" (trên) hoặc \">=\" (đạt)", field: "\(field)/target_comparator")
                }
                target = Target(percent: percent, comparator: comparator)
            } else if u.targetComparator != nil {
                throw AppError.invalid("có phép so sánh nhưng thiếu chỉ tiêu target_percent", field: "\(field)/target_percent")
            }
            let text = try u.targetText.map { try clean($0, Self.targetTextLimit, field: "\(field)/target_text", label: "chỉ tiêu", allowEmpty: true) }
            measured.append(.init(unitId: u.unitId, target: target, targetText: text?.isEmpty == true ? nil : text))
        }
        return measured
    }

    private func phaseDates(_ inputs: [PhaseInput]) throws -> [CampaignRepository.PhaseDates] {
        var phases: [CampaignRepository.PhaseDates] = []
        for (i, p) in inputs.enumerated() {
            guard let phase = CampaignPhase(rawValue: p.phase) else {
                throw AppError.invalid("giai đoạn phải là một trong: \(CampaignPhase.allCases.map(\.rawValue).joined(separator: ", "))", field: "/phases/\(i)/phase")
            }
            let starts = try isoDate(p.startsOn, field: "/phases/\(i)/starts_on"), ends = try isoDate(p.endsOn, field: "/phases/\(i)/ends_on")
            if starts > ends { throw AppError.invalid("ngày bắt đầu sau ngày kết thúc (starts after it ends)", field: "/phases/\(i)/ends_on") }
            if phases.contains(where: { $0.phase == phase }) { throw AppError.invalid("giai đoạn \(phase.rawValue) bị lặp", field: "/phases/\(i)/phase") }
            phases.append(.init(phase: phase, startsOn: starts, endsOn: ends))
        }
        return phases
    }

    /// A calendar date in ISO form (YYYY-MM-DD) that exists (no 31 February).
    func isoDate(_ text: String, field: String) throws -> String {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1900...2200).contains(y), (1...12).contains(m),
              d >= 1, d <= Self.days(inMonth: m, year: y) else {
            throw AppError.invalid("ngày phải theo dạng YYYY-MM-DD (ISO 8601) và có thật, ví dụ 2026-11-22", field: field)
        }
        return text
    }

    static func days(inMonth m: Int, year y: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Moves the campaign one phase forward or back.
    public func setStatus(_ id: Int, to status: String, by user: User?) async throws -> Campaign {
        let user = try platform.require(user, .manageCampaigns)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try await platform.requireCampaignAdmin(user, campaign)
        guard let next = CampaignStatus(rawValue: status) else {
            throw AppError.invalid("trạng thái phải là một trong: \(CampaignStatus.allCases.map(\.rawValue).joined(separator: ", "))", field: "/status")
        }
        return try await moveStatus(id, to: next, by: user)
    }

    /// The status change itself, for an administrator already checked (or the operator: nil).
    func moveStatus(_ id: Int, to next: CampaignStatus, by user: User?) async throws -> Campaign {
        let changed = try await platform.transaction { sql in
            // Read again inside the transaction: two changes at once must not both step from the same status.
            guard let current = try await campaigns.find(id: id, on: sql) else { throw AppError.notFound("kỳ đo lường \(id)") }
            guard current.status.canMove(to: next) else {
                throw AppError.conflict("không chuyển được từ \"\(current.status.rawValue)\" sang \"\(next.rawValue)\"; chỉ chuyển tới hoặc lùi một bước (only one step at a time)", field: "/status")
            }
            try await campaigns.setStatus(current, to: next, userId: user?.id, on: sql)
            try await platform.recordState(user, .campaign, id: String(id), action: "campaign.status",
                                           detail: "\(current.status.rawValue)→\(next.rawValue)", on: sql)
            var updated = current
            updated.status = next
            return updated
        }
        platform.publicationEpoch.bump()
        return changed
    }

    public func focalPoints(_ id: Int, by user: User?) async throws -> [CampaignRepository.FocalPoint] {
        let user = try platform.require(user, .readFocalPoints)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try await platform.requireCampaignAdmin(user, campaign)
        return try await platform.read { sql in try await campaigns.focalPoints(campaignId: campaign.id, on: sql) }
    }

    public struct FocalPointInput: Sendable {
        public var name: String
        public var position: String
        public var phone: String
        public var email: String
        public init(name: String, position: String, phone: String, email: String) {
            self.name = name
            self.position = position
            self.phone = phone
            self.email = email
        }
    }

    public static let personTextLimit = 200
    public static let phoneLimit = 30

    /// Sets (replaces) the focal point of a measured unit. Names and contacts are personal data:
    /// the audit log keeps only their digest.
    public func setFocalPoint(_ id: Int, unit unitId: Int, _ input: FocalPointInput, by user: User?) async throws -> CampaignRepository.FocalPoint {
        let user = try platform.require(user, .manageFocalPoints)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try await platform.requireCampaignAdmin(user, campaign)
        let name = try clean(input.name, Self.personTextLimit, field: "/name", label: "họ tên")
        let position = try clean(input.position, Self.personTextLimit, field: "/position", label: "chức vụ")
        let phone = try clean(input.phone, Self.phoneLimit, field: "/phone", label: "số điện thoại")
        let email = try clean(input.email, Self.personTextLimit, field: "/email", label: "email")
        guard phone.allSatisfy({ $0.isASCII && ($0.isNumber || " +.-()".contains($0)) }), phone.filter(\.isNumber).count >= 8 else {
            throw AppError.invalid("số điện thoại không hợp lệ: ít nhất 8 chữ số, chỉ dùng số, dấu cách và + . - ( ) (invalid phone)", field: "/phone")
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(" ") else {
            throw AppError.invalid("email không hợp lệ, ví dụ ten@donvi.gov.vn (invalid e-mail)", field: "/email")
        }
        return try await platform.transaction { sql in
            let measured = try await campaigns.units(of: campaign.id, on: sql)
            guard measured.contains(where: { $0.unit.id == unitId }) else {
                throw AppError.invalid("đơn vị \(unitId) không thuộc kỳ đo lường này (unit not measured)", field: "{unit}")
            }
            let point = try await campaigns.setFocalPoint(campaignId: campaign.id, unitId: unitId, name: name, position: position,
                                                          phone: phone, email: email, on: sql)
            // The digest is keyed: it proves the contact details unchanged without revealing them.
            try await platform.recordState(user, .campaign, id: String(campaign.id), action: "focal-point.set", detail: "unit \(unitId)", on: sql)
            return point
        }
    }
}
