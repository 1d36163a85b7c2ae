import Foundation
import SIPASApp
import SIPASReports
import SIPASCore

/// The campaign form (new and draft edit): what was typed, the choices offered, and the
/// messages placed beside their fields.
struct CampaignForm: Sendable {
    /// What the official typed or chose; checkboxes come as several values of one name.
    struct Input: Sendable {
        var values: [String: String]
        var picked: Set<Int>

        static let blank = Input(values: [:], picked: [])

        init(values: [String: String], picked: Set<Int>) {
            self.values = values
            self.picked = picked
        }

        init(_ form: WebForm) {
            var values: [String: String] = [:]
            for name in CampaignForm.fieldNames { values[name] = form[name] ?? "" }
            self.init(values: values, picked: Set(form.all("unit").compactMap { Int($0) }))
        }

        /// A draft as its edit form shows it: its units ticked, the most common target as the
        /// default and the others as lines.
        init(_ detail: Campaigns.Detail) {
            let c = detail.campaign
            var v: [String: String] = ["code": c.code, "year": String(c.year), "title": c.title, "legal_basis": c.legalBasis,
                                       "questionnaire": detail.questionnaire, "owner": c.ownerUnitId.map(String.init) ?? "", "units_mode": "pick",
                                       "disclosure_min_n": String(c.disclosureMinN), "issuer": c.signature.issuer ?? "",
                                       "signer_capacity": c.signature.capacity.rawValue, "signer_title": c.signature.title ?? "",
                                       "signer_name": c.signature.name ?? ""]
            let targets = detail.units.compactMap { $0.target.target }
            let common = Dictionary(grouping: targets) { "\($0.comparator.rawValue)\($0.percent)" }.max { $0.value.count < $1.value.count }?.value.first
            if let common {
                v["target_percent"] = DecimalText.vietnamese(common.percent, decimals: common.percent.rounded() == common.percent ? 0 : 1)
                v["target_comparator"] = common.comparator.rawValue
            }
            v["targets"] = detail.units.compactMap { unit, measured -> String? in
                guard let t = measured.target, t != common else { return nil }
                return "\(unit.code) \(t.comparator.label) \(DecimalText.vietnamese(t.percent, decimals: t.percent.rounded() == t.percent ? 0 : 1))"
            }.joined(separator: "\n")
            for p in detail.phases {
                v["\(p.phase.rawValue)_start"] = p.startsOn
                v["\(p.phase.rawValue)_end"] = p.endsOn
            }
            self.init(values: v, picked: Set(detail.units.map(\.unit.id)))
        }

        subscript(_ name: String) -> String { values[name] ?? "" }
    }

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
    static let fieldNames = ["code", "year", "title", "legal_basis", "questionnaire", "owner", "units_mode", "units_of", "former_district",
                             "target_percent", "target_comparator", "targets", "disclosure_min_n", "issuer", "signer_capacity", "signer_title",
                             "signer_name"] + phaseKeys.flatMap { ["\($0)_start", "\($0)_end"] }
    /// The national questionnaire a new campaign uses unless another is chosen.
    static let currentQuestionnaire = "sipas-2023"

    var chrome: Chrome
    var action: String
    var heading: String
    var submitLabel: String
    var campaignId: Int?
    var code: String
    var year: String
    var title: String
    var legalBasis: String
    var targetPercent: String
    var targets: String
    var disclosureMinN: String
    var issuer: String
    var signerTitle: String
    var signerName: String
    var questionnaires: [Option]
    var owners: [Option]
    var ownerChosen: Bool
    var unitSources: [Option]
    var formerDistricts: [Option]
    var hasFormerDistricts: Bool
    var communes: [Option]
    var communeCount: String
    var modeAll: Bool
    var modeSuccessors: Bool
    var modePick: Bool
    var comparators: [Option]
    var capacities: [Option]
    var phases: [Phase]
    var error: String?
    var errorCount: Int = 0
    var codeError: String?
    var titleError: String?
    var yearError: String?
    var minNError: String?
    var ownerError: String?
    var unitsError: String?
    var targetsError: String?
    var phasesError: String?
    var questionnaireError: String?
    var signatureError: String?

    static func make(_ platform: Platform, user: User, csrf: String?, input: Input, editing: Campaigns.Detail? = nil) async throws -> CampaignForm {
        let questionnaires = try await platform.questionnaires.list(by: user)
        let candidates = try await ownerCandidates(platform, user: user)
        let current = questionnaires.filter { $0.code == currentQuestionnaire }.max { $0.version < $1.version }
        let chosenQuestionnaire = input["questionnaire"].isEmpty ? current.map { "\($0.code)@\($0.version)" } ?? "" : input["questionnaire"]
        let owner = try await chosenOwner(platform, user: user, input: input, candidates: candidates)
        let ownerId = owner.map { String($0.id) } ?? ""
        let sources = owner.map { o in candidates.filter { o.contains($0) } } ?? []
        let districts = try await formerDistricts(platform, user: user, owner: owner)
        var communes: [AdminUnit] = []
        if let owner {
            communes = try await platform.unitRegister.search(.init(level: "commune", within: owner.id), by: user, limit: Campaigns.maxMeasuredUnits, offset: 0)
        }
        let mode = ["all", "successors", "pick"].contains(input["units_mode"]) ? input["units_mode"] : "all"
        let comparator = input["target_comparator"].isEmpty ? ">" : input["target_comparator"]
        let capacity = input.values["signer_capacity"] ?? ReportSignature.Capacity.onBehalf.rawValue
        var form = CampaignForm(
            chrome: Chrome(title: editing == nil ? "Tạo kỳ đo lường" : "Sửa kỳ đo lường", user: user, csrf: csrf, section: "campaigns"),
            action: editing.map { "/campaigns/\($0.campaign.id)/edit" } ?? "/campaigns/new",
            heading: editing.map { "Sửa kỳ đo lường \($0.campaign.code)" } ?? "Tạo kỳ đo lường",
            submitLabel: editing == nil ? "Tạo kỳ đo lường" : "Lưu thay đổi", campaignId: editing?.campaign.id,
            code: input["code"], year: input["year"].isEmpty ? String(Calendar(identifier: .gregorian).component(.year, from: Date())) : input["year"],
            title: input["title"], legalBasis: input["legal_basis"], targetPercent: input["target_percent"], targets: input["targets"],
            disclosureMinN: input["disclosure_min_n"].isEmpty ? String(Campaign.defaultDisclosureMinN) : input["disclosure_min_n"],
            issuer: input["issuer"], signerTitle: input["signer_title"], signerName: input["signer_name"],
            questionnaires: questionnaires.map { q in
                let value = "\(q.code)@\(q.version)"
                let isCurrent = q.code == current?.code && q.version == current?.version
                return Option(value: value, label: "\(q.title) (\(q.code), phiên bản \(q.version))\(isCurrent ? " — hiện hành" : "")",
                              selected: chosenQuestionnaire == value)
            },
            owners: (user.role.isNational ? [Option(value: "", label: "— Chọn đơn vị chủ trì —", selected: owner == nil)] : [])
                + candidates.map { Option(value: String($0.id), label: label($0), selected: ownerId == String($0.id)) },
            ownerChosen: owner != nil,
            unitSources: sources.map { Option(value: String($0.id), label: label($0), selected: input["units_of"] == String($0.id)) },
            formerDistricts: districts.map { Option(value: String($0.id), label: $0.name, selected: input["former_district"] == String($0.id)) },
            hasFormerDistricts: !districts.isEmpty,
            communes: communes.map { Option(value: String($0.id), label: "\($0.name) (\($0.code))", selected: input.picked.contains($0.id)) },
            communeCount: VietnameseFormat.count(communes.count),
            modeAll: mode == "all", modeSuccessors: mode == "successors", modePick: mode == "pick",
            comparators: [Option(value: ">", label: "trên (lớn hơn)", selected: comparator == ">"),
                          Option(value: ">=", label: "đạt (từ … trở lên)", selected: comparator == ">=")],
            capacities: Self.capacityOptions(selected: capacity),
            phases: CampaignPhase.allCases.map { Phase(key: $0.rawValue, label: $0.label, start: input["\($0.rawValue)_start"],
                                                      end: input["\($0.rawValue)_end"]) })
        if let editing, !editing.isEditable {
            form.error = "Kỳ đo lường này không còn sửa được: chỉ sửa được khi ở trạng thái \"\(CampaignStatus.draft.label)\" và chưa có phiếu nào."
            form.errorCount = 1
        }
        return form
    }

    /// How the signer signs: for the body (TM.), for its head (KT.), or as the head.
    static func capacityOptions(selected: String) -> [Option] {
        [Option(value: "TM.", label: "TM. (thay mặt tập thể)", selected: selected == "TM."),
         Option(value: "KT.", label: "KT. (ký thay người đứng đầu)", selected: selected == "KT."),
         Option(value: "", label: "Người đứng đầu ký trực tiếp", selected: selected.isEmpty)]
    }

    /// The owner typed, or by default the account's own province after the reform.
    static func chosenOwner(_ platform: Platform, user: User, input: Input, candidates: [AdminUnit]) async throws -> AdminUnit? {
        if let id = Int(input["owner"]), let unit = candidates.first(where: { $0.id == id }) { return unit }
        if user.role.isNational { return nil }
        return candidates.first { $0.register == .reform2025 && $0.level == .province } ?? candidates.first { $0.register == .reform2025 } ?? candidates.first
    }

    /// Units that can own a campaign, and whose communes it can measure: the account's scope and
    /// the units directly under it; for national accounts, the provinces of both registers.
    static func ownerCandidates(_ platform: Platform, user: User) async throws -> [AdminUnit] {
        guard let scope = try await platform.scope(of: user) else {
            var provinces: [AdminUnit] = []
            for register in [Register.reform2025, .legacy].map(\.rawValue) {
                provinces += try await platform.unitRegister.search(.init(register: register, level: "province"), by: user, limit: 100, offset: 0)
            }
            return provinces
        }
        var units: [AdminUnit] = []
        for root in scope.roots.sorted(by: { ($0.register == .reform2025 ? 0 : 1) < ($1.register == .reform2025 ? 0 : 1) }) {
            units.append(root)
            if root.level == .province || root.level == .district {
                units += try await platform.unitRegister.children(of: root.id, by: user).filter { $0.level == .district || $0.level == .commune }
            }
        }
        return units
    }

    /// The districts before the reform of the owner's province (the 2025 register has none).
    static func formerDistricts(_ platform: Platform, user: User, owner: AdminUnit?) async throws -> [AdminUnit] {
        guard let owner, owner.register == .reform2025, owner.level == .province else { return [] }
        let legacy = try await platform.unitRegister.search(.init(register: Register.legacy.rawValue, level: UnitLevel.province.rawValue), by: user, limit: 100, offset: 0)
        guard let province = legacy.first(where: { $0.code == owner.code }) else { return [] }
        return try await platform.unitRegister.children(of: province.id, by: user).filter { $0.level == .district }
    }

    static func label(_ unit: AdminUnit) -> String {
        "\(unit.name) (\(unit.register == .reform2025 ? "từ 01/07/2025" : "trước 01/07/2025"))"
    }

    /// The use case's input from the form; what the form cannot read is named by its field.
    static func newCampaign(_ input: Input, platform: Platform, user: User) async throws -> Campaigns.NewCampaign {
        let v = input.values
        guard let year = Int(v["year"] ?? "") else { throw AppError.invalid("Năm là một số, ví dụ 2026.", field: "/year") }
        let parts = (v["questionnaire"] ?? "").split(separator: "@")
        guard parts.count == 2, let version = Int(parts[1]) else { throw AppError.invalid("Hãy chọn bảng hỏi.", field: "/questionnaire_code") }
        guard let ownerId = Int(v["owner"] ?? "") else { throw AppError.invalid("Hãy chọn đơn vị chủ trì.", field: "/owner_unit_id") }
        let communes = try await measured(input, platform: platform, user: user)
        let minN = Int(v["disclosure_min_n"] ?? "")
        guard minN != nil || (v["disclosure_min_n"] ?? "").isEmpty else { throw AppError.invalid("Ngưỡng công bố là một số.", field: "/disclosure_min_n") }
        let defaultTarget = try percent(v["target_percent"] ?? "", field: "/units")
        let comparator = v["target_comparator"] == ">=" ? ">=" : ">"
        let overrides = try TargetLines.parse(v["targets"] ?? "", units: communes)
        let units = communes.map { unit -> Campaigns.MeasuredUnitInput in
            let (value, c) = overrides[unit.id] ?? (defaultTarget ?? -1, comparator)
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
        let signature = ReportSignature(issuer: v["issuer"], capacity: try Campaigns.capacity(v["signer_capacity"]),
                                        title: v["signer_title"], name: v["signer_name"])
        return .init(code: v["code"] ?? "", year: year, title: v["title"] ?? "", legalBasis: v["legal_basis"] ?? "",
                     questionnaireCode: String(parts[0]), questionnaireVersion: version, ownerUnitId: ownerId, disclosureMinN: minN,
                     units: units, phases: phases, signature: signature)
    }

    /// The communes the chosen way names: all under a unit, the successors of a former
    /// district, or those ticked.
    static func measured(_ input: Input, platform: Platform, user: User) async throws -> [AdminUnit] {
        let communes: [AdminUnit]
        switch input["units_mode"] {
        case "successors":
            guard let id = Int(input["former_district"]) else { throw AppError.invalid("Hãy chọn huyện cũ.", field: "/units") }
            communes = try await platform.unitRegister.successorCommunes(ofFormer: id, by: user)
        case "pick":
            var units: [AdminUnit] = []
            for id in input.picked.sorted() { units.append(try await platform.unitRegister.unit(id, by: user)) }
            guard !units.isEmpty else { throw AppError.invalid("Hãy đánh dấu ít nhất một xã/phường.", field: "/units") }
            communes = units.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        default:
            guard let id = Int(input["units_of"]) else { throw AppError.invalid("Hãy chọn đơn vị có các xã/phường được đo lường.", field: "/units") }
            communes = try await platform.unitRegister.search(.init(level: "commune", within: id), by: user, limit: Campaigns.maxMeasuredUnits + 1, offset: 0)
        }
        guard !communes.isEmpty else { throw AppError.invalid("Đơn vị đã chọn không có xã/phường nào.", field: "/units") }
        return communes
    }

    /// "93", "92,7" or "92.7"; nil for an empty field.
    static func percent(_ text: String, field: String) throws -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "%", with: "").replacingOccurrences(of: ",", with: ".")
        if trimmed.isEmpty { return nil }
        guard let value = Double(trimmed), (0...100).contains(value) else {
            throw AppError.invalid("Mục tiêu là một tỷ lệ từ 0 đến 100, ví dụ 93 hoặc 92,7.", field: field)
        }
        return value
    }

    /// Puts each of the application's messages beside the field it names, and sums them up at the top.
    mutating func place(_ error: AppError) {
        let problems = error.items.isEmpty ? [(error.field, error.message)] : error.items.map { ($0.field, $0.message) }
        for (field, message) in problems { place(WebMessage.vietnamese(message), at: field ?? "") }
        errorCount = problems.count
        if self.error == nil {
            self.error = problems.count == 1 ? "Chưa lưu được: có 1 mục cần sửa, xem ghi chú bên dưới."
                : "Chưa lưu được: có \(problems.count) mục cần sửa, xem ghi chú bên dưới từng mục."
        }
    }

    private mutating func place(_ message: String, at field: String) {
        func add(_ slot: inout String?) { slot = slot.map { $0 + " " + message } ?? message }
        switch field {
        case "/code": add(&codeError)
        case "/title", "/legal_basis": add(&titleError)
        case "/year": add(&yearError)
        case "/disclosure_min_n": add(&minNError)
        case "/owner_unit_id": add(&ownerError)
        case "/questionnaire_code": add(&questionnaireError)
        case "/targets": add(&targetsError)
        case _ where field.hasPrefix("/signature"): add(&signatureError)
        case _ where field.hasPrefix("/units"): add(&unitsError)
        case _ where field.hasPrefix("/phases"): add(&phasesError)
        default: error = message
        }
    }
}

/// Per-unit targets typed one per line: "06253 trên 93", "Xã Tri Lễ đạt 90" — the unit by its
/// code or its name among the measured units (codes repeat across the two registers).
enum TargetLines {
    static func parse(_ text: String, units: [AdminUnit]) throws -> [Int: (Double, String)] {
        var targets: [Int: (Double, String)] = [:]
        for (i, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let words = line.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "\t" }).map(String.init)
            let example = "viết \"mã hoặc tên xã trên 93\" hoặc \"… đạt 90\""
            guard words.count >= 3, ["trên", "đạt"].contains(words[words.count - 2].lowercased()),
                  let value = try CampaignForm.percent(words[words.count - 1], field: "/targets") else {
                throw AppError.invalid("Dòng \(i + 1) của mục tiêu riêng: \(example).", field: "/targets")
            }
            let key = words.dropLast(2).joined(separator: " ")
            let folded = SearchText.fold(key)
            var matches = units.filter { $0.code == key }
            if matches.isEmpty { matches = units.filter { SearchText.fold($0.name) == folded } }
            if matches.isEmpty { matches = units.filter { SearchText.fold($0.name).hasSuffix(" " + folded) } }
            guard matches.count == 1 else {
                throw AppError.invalid(matches.isEmpty
                    ? "Dòng \(i + 1) của mục tiêu riêng: \"\(key)\" không phải xã/phường được đo lường."
                    : "Dòng \(i + 1) của mục tiêu riêng: \"\(key)\" trùng tên \(matches.count) xã/phường; hãy ghi mã.", field: "/targets")
            }
            targets[matches[0].id] = (value, words[words.count - 2].lowercased() == "trên" ? ">" : ">=")
        }
        return targets
    }
}
