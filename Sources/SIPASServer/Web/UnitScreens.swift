import Foundation
import Hummingbird
import SIPASApp
import SIPASReports
import SIPASCore

/// The administrative-unit registers (before and after 1 July 2025): search that ignores case and
/// diacritics, and a unit's page with its children and its place across the reorganisation.
extension WebScreens {
    func registerUnitScreens() {
        page("/units") { request, context, user in
            let text = Self.query(request, "q") ?? ""
            let register = Self.query(request, "register") ?? "2025"
            let level = Self.query(request, "level")
            let units = try await platform.unitRegister.search(.init(text: text, register: register, level: level), by: user, limit: 100, offset: 0)
            return templates.page("units", UnitsPage(chrome: Chrome(title: "Đơn vị hành chính", user: user, csrf: context.csrfToken, section: "units"),
                                                     query: text, register: register, level: level, units: units))
        }
        page("/units/{id}") { request, context, user in
            let detail = try await platform.unitRegister.detail(try Self.id(context), by: user)
            var page = UnitPage(detail, user: user, csrf: context.csrfToken)
            page.added = Self.query(request, "message") == "agency-added"
            return templates.page("unit", page)
        }
        form("/units/{id}/agencies") { _, context, user, form in
            let id = try Self.id(context)
            let new = UnitRegister.NewAgency(code: form["code"] ?? "", name: form["name"] ?? "", kind: form["kind"].flatMap { $0.isEmpty ? nil : $0 })
            do {
                _ = try await platform.unitRegister.addAgency(new, under: id, by: user)
            } catch let error as AppError where [.invalid, .conflict].contains(error.kind) {
                var page = UnitPage(try await platform.unitRegister.detail(id, by: user), user: user, csrf: context.csrfToken)
                page.agencyForm = .init(code: new.code, name: new.name, kind: new.kind ?? "", error: WebMessage.vietnamese(error.message),
                                        codeError: error.field == "/code" || error.kind == .conflict, nameError: error.field == "/name")
                page.agencyForm.kinds = AgencyForm.kindOptions(selected: new.kind ?? "")
                return templates.page("unit", page, status: error.status)
            }
            return Self.redirect("/units/\(id)?message=agency-added#agencies")
        }
    }
}

struct UnitLink: Sendable {
    var id: Int
    var code: String
    var name: String
    var levelLabel: String
    var note: String?

    init(_ unit: AdminUnit, note: String? = nil) {
        id = unit.id
        code = unit.code
        name = unit.name
        levelLabel = UnitLink.levelLabel(unit.level)
        self.note = note
    }

    static func levelLabel(_ level: UnitLevel) -> String { level.vietnameseLabel }
}

struct UnitsPage: Sendable {
    struct Option: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    var chrome: Chrome
    var query: String
    var registers: [Option]
    var levels: [Option]
    var units: [UnitLink]
    var searched: Bool

    init(chrome: Chrome, query: String, register: String, level: String?, units: [AdminUnit]) {
        self.chrome = chrome
        self.query = query
        registers = [Register.reform2025, .legacy, .local].map { Option(value: $0.rawValue, label: $0.vietnameseLabel, selected: $0.rawValue == register) }
        levels = [Option(value: "", label: "Mọi cấp", selected: (level ?? "").isEmpty)]
            + UnitLevel.allCases.map { Option(value: $0.rawValue, label: $0.vietnameseLabel, selected: $0.rawValue == level) }
        self.units = units.map { UnitLink($0) }
        searched = !query.isEmpty || level != nil
    }
}

/// Adding an agency (a one-stop shop, a department) under a unit; kept as typed when refused.
struct AgencyForm: Sendable {
    struct Kind: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    var code = ""
    var name = ""
    var kind = ""
    var error: String?
    var codeError = false
    var nameError = false
    var kinds = AgencyForm.kindOptions(selected: "")

    static func kindOptions(selected: String) -> [Kind] {
        [("one-stop", "Bộ phận tiếp nhận và trả kết quả (một cửa)"), ("co-quan", "Cơ quan chuyên môn"), ("don-vi", "Đơn vị sự nghiệp")]
            .map { Kind(value: $0.0, label: $0.1, selected: $0.0 == selected) }
    }
}

struct UnitPage: Sendable {
    var chrome: Chrome
    var unit: UnitLink
    var registerLabel: String
    var validity: String
    var parent: UnitLink?
    var children: [UnitLink]
    var successors: [UnitLink]
    var predecessors: [UnitLink]
    var agencies: [UnitLink]
    var mayAddAgency: Bool
    var agencyForm = AgencyForm()
    var added = false

    init(_ d: UnitRegister.Detail, user: User, csrf: String?) {
        chrome = Chrome(title: d.unit.name, user: user, csrf: csrf, section: "units")
        unit = UnitLink(d.unit)
        registerLabel = switch d.unit.register {
        case .reform2025: "Danh mục sau sắp xếp (từ 01/07/2025)"
        case .legacy: "Danh mục trước sắp xếp (đến 30/06/2025)"
        case .local: Register.local.vietnameseLabel
        }
        validity = [d.unit.validFrom.map { "từ \(VietnameseFormat.date($0))" }, d.unit.validTo.map { "đến \(VietnameseFormat.date($0))" }]
            .compactMap { $0 }.joined(separator: " ")
        parent = d.parent.map { UnitLink($0) }
        children = d.children.filter { $0.level != .agency }.map { UnitLink($0) }
        agencies = d.children.filter { $0.level == .agency }.map { UnitLink($0) }
        mayAddAgency = AccessPolicy.allows(user.role, .manageAgencies) && d.unit.level != .agency
        successors = d.successors.map { UnitLink($0.unit, note: $0.isDefault && d.successors.count > 1 ? "đơn vị kế thừa mặc định" : nil) }
        predecessors = d.predecessors.map { UnitLink($0) }
    }
}
