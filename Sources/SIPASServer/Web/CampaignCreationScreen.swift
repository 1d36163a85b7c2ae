import Foundation
import Hummingbird
import SIPASApp
import SIPASCore

/// Creating a campaign in the browser: questionnaire, owner unit, the measured units picked from
/// the register in one step ("all communes of Văn Quan"), a default target with per-unit
/// exceptions, the plan's phases. The form comes back with the message beside the field.
extension WebScreens {
    func registerCampaignCreation() {
        page("/campaigns/new") { _, context, user in
            try platform.authorize(user, .manageCampaigns)
            return templates.page("campaign-new", try await CampaignForm.make(platform, user: user, csrf: context.csrfToken, values: [:]))
        }
        form("/campaigns/new") { _, context, user, form in
            var values: [String: String] = [:]
            for name in CampaignForm.fieldNames { values[name] = form[name] ?? "" }
            do {
                let campaign = try await platform.campaigns.create(try await CampaignForm.newCampaign(values, platform: platform, user: user), by: user)
                return Self.redirect("/campaigns/\(campaign.id)?message=created")
            } catch let error as AppError where error.kind != .unauthenticated {
                var page = try await CampaignForm.make(platform, user: user, csrf: context.csrfToken, values: values)
                page.place(error)
                return templates.page("campaign-new", page, status: error.status)
            }
        }
    }
}

struct CampaignForm: Sendable {
    struct Option: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Phase: Sendable {
        var key: String
        var label: String
        var start: String
        var end: String
    }

    static let phaseKeys = CampaignPhase.allCases.map(\.rawValue)
    static let fieldNames = ["code", "year", "title", "legal_basis", "questionnaire", "owner", "units_of", "target_percent", "target_comparator",
                             "targets", "disclosure_min_n"] + phaseKeys.flatMap { ["\($0)_start", "\($0)_end"] }

    var chrome: Chrome
    var code: String
    var year: String
    var title: String
    var legalBasis: String
    var targetPercent: String
    var targets: String
    var disclosureMinN: String
    var questionnaires: [Option]
    var owners: [Option]
    var unitSources: [Option]
    var comparators: [Option]
    var phases: [Phase]
    var error: String?
    var codeError: String?
    var titleError: String?
    var yearError: String?
    var ownerError: String?
    var unitsError: String?
    var targetsError: String?
    var phasesError: String?
    var questionnaireError: String?

    static func make(_ platform: Platform, user: User, csrf: String?, values: [String: String]) async throws -> CampaignForm {
        let questionnaires = try await platform.questionnaires.list(by: user)
        let candidates = try await ownerCandidates(platform, user: user)
        func options(_ name: String) -> [Option] {
            candidates.map { Option(value: String($0.id), label: label($0), selected: values[name] == String($0.id)) }
        }
        let comparator = values["target_comparator"] ?? ">"
        return CampaignForm(
            chrome: Chrome(title: "Tạo kỳ đo lường", user: user, csrf: csrf, section: "campaigns"),
            code: values["code"] ?? "", year: values["year"] ?? String(Calendar(identifier: .gregorian).component(.year, from: Date())),
            title: values["title"] ?? "", legalBasis: values["legal_basis"] ?? "", targetPercent: values["target_percent"] ?? "",
            targets: values["targets"] ?? "", disclosureMinN: values["disclosure_min_n"] ?? String(Campaign.defaultDisclosureMinN),
            questionnaires: questionnaires.map { Option(value: "\($0.code)@\($0.version)", label: "\($0.title) (\($0.code), phiên bản \($0.version))",
                                                        selected: values["questionnaire"] == "\($0.code)@\($0.version)") },
            owners: options("owner"), unitSources: options("units_of"),
            comparators: [Option(value: ">", label: "trên (lớn hơn)", selected: comparator == ">"),
                          Option(value: ">=", label: "đạt (từ … trở lên)", selected: comparator == ">=")],
            phases: CampaignPhase.allCases.map { Phase(key: $0.rawValue, label: $0.label, start: values["\($0.rawValue)_start"] ?? "",
                                                      end: values["\($0.rawValue)_end"] ?? "") })
    }

    /// Units that can own a campaign, and whose communes it can measure: the account's scope and
    /// the units directly under it; for national accounts, the provinces of both registers.
    static func ownerCandidates(_ platform: Platform, user: User) async throws -> [AdminUnit] {
        guard let scope = try await platform.scope(of: user) else {
            var provinces: [AdminUnit] = []
            for register in ["2025", "legacy"] {
                provinces += try await platform.unitRegister.search(.init(register: register, level: "province"), by: user, limit: 100, offset: 0)
            }
            return provinces
        }
        var units: [AdminUnit] = []
        for root in scope.roots {
            units.append(root)
            if root.level == "province" || root.level == "district" {
                units += try await platform.unitRegister.children(of: root.id, by: user).filter { $0.level == "district" || $0.level == "commune" }
            }
        }
        return units
    }

    static func label(_ unit: AdminUnit) -> String {
        "\(unit.name) (\(unit.register == "2025" ? "từ 01/07/2025" : "trước 01/07/2025"))"
    }

    /// The use case's input from the form; what the form cannot read is named by its field.
    static func newCampaign(_ v: [String: String], platform: Platform, user: User) async throws -> Campaigns.NewCampaign {
        guard let year = Int(v["year"] ?? "") else { throw AppError.invalid("năm là một số, ví dụ 2026", field: "/year") }
        let parts = (v["questionnaire"] ?? "").split(separator: "@")
        guard parts.count == 2, let version = Int(parts[1]) else { throw AppError.invalid("hãy chọn bảng hỏi", field: "/questionnaire_code") }
        guard let ownerId = Int(v["owner"] ?? "") else { throw AppError.invalid("hãy chọn đơn vị chủ trì", field: "/owner_unit_id") }
        guard let sourceId = Int(v["units_of"] ?? "") else { throw AppError.invalid("hãy chọn đơn vị có các xã/phường được đo lường", field: "/units") }
        let communes = try await platform.unitRegister.search(.init(level: "commune", within: sourceId), by: user, limit: 5000, offset: 0)
        guard !communes.isEmpty else { throw AppError.invalid("đơn vị đã chọn không có xã/phường trực thuộc", field: "/units") }
        let minN = Int(v["disclosure_min_n"] ?? "")
        guard minN != nil || (v["disclosure_min_n"] ?? "").isEmpty else { throw AppError.invalid("ngưỡng công bố là một số", field: "/disclosure_min_n") }
        let defaultTarget = try percent(v["target_percent"] ?? "", field: "/units")
        let comparator = v["target_comparator"] == ">=" ? ">=" : ">"
        var overrides: [String: (Double, String)] = [:]
        for (i, line) in (v["targets"] ?? "").split(whereSeparator: \.isNewline).enumerated() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "," || $0 == "\t" }).map(String.init)
            guard words.count == 3, ["trên", "đạt"].contains(words[1].lowercased()), let value = try percent(words[2], field: "/targets") else {
                throw AppError.invalid("dòng \(i + 1) của mục tiêu riêng: viết \"mã-đơn-vị trên 93\" hoặc \"mã-đơn-vị đạt 90\"", field: "/targets")
            }
            guard communes.contains(where: { $0.code == words[0] }) else {
                throw AppError.invalid("dòng \(i + 1) của mục tiêu riêng: \(words[0]) không phải xã/phường được đo lường", field: "/targets")
            }
            overrides[words[0]] = (value, words[1].lowercased() == "trên" ? ">" : ">=")
        }
        let units = communes.map { unit -> Campaigns.MeasuredUnitInput in
            let (value, c) = overrides[unit.code] ?? (defaultTarget ?? -1, comparator)
            guard value >= 0 else { return .init(unitId: unit.id) }
            return .init(unitId: unit.id, targetPercent: value, targetComparator: c,
                         targetText: "\(c == ">" ? "trên" : "đạt") \(DecimalText.vietnamese(value, decimals: value.rounded() == value ? 0 : 1))%")
        }
        var phases: [Campaigns.PhaseInput] = []
        for key in phaseKeys {
            let start = v["\(key)_start"] ?? "", end = v["\(key)_end"] ?? ""
            if start.isEmpty && end.isEmpty { continue }
            phases.append(.init(phase: key, startsOn: start, endsOn: end))
        }
        return .init(code: v["code"] ?? "", year: year, title: v["title"] ?? "", legalBasis: v["legal_basis"] ?? "",
                     questionnaireCode: String(parts[0]), questionnaireVersion: version, ownerUnitId: ownerId, disclosureMinN: minN,
                     units: units, phases: phases)
    }

    /// "93", "92,7" or "92.7"; nil for an empty field.
    private static func percent(_ text: String, field: String) throws -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "%", with: "").replacingOccurrences(of: ",", with: ".")
        if trimmed.isEmpty { return nil }
        guard let value = Double(trimmed), (0...100).contains(value) else {
            throw AppError.invalid("mục tiêu là một tỷ lệ từ 0 đến 100, ví dụ 93 hoặc 92,7", field: field)
        }
        return value
    }

    /// Puts the application's message beside the field it names.
    mutating func place(_ error: AppError) {
        let field = error.field ?? ""
        switch field {
        case "/code": codeError = error.message
        case "/title", "/legal_basis": titleError = error.message
        case "/year", "/disclosure_min_n": yearError = error.message
        case "/owner_unit_id": ownerError = error.message
        case "/questionnaire_code": questionnaireError = error.message
        case "/targets": targetsError = error.message
        case _ where field.hasPrefix("/units"): unitsError = error.message
        case _ where field.hasPrefix("/phases"): phasesError = error.message
        default: self.error = error.message
        }
    }
}
