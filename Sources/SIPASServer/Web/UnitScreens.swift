import Foundation
import Hummingbird
import SIPASApp
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
        page("/units/{id}") { _, context, user in
            let detail = try await platform.unitRegister.detail(try Self.id(context), by: user)
            return templates.page("unit", UnitPage(detail, user: user, csrf: context.csrfToken))
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

    static func levelLabel(_ level: String) -> String {
        switch level {
        case "province": return "Tỉnh/thành phố"
        case "district": return "Quận/huyện"
        case "commune": return "Xã/phường"
        case "agency": return "Cơ quan"
        default: return level
        }
    }
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
        registers = [("2025", "Sau sắp xếp (từ 01/07/2025)"), ("legacy", "Trước sắp xếp (đến 30/06/2025)"), ("local", "Cơ quan, bộ phận do địa phương thêm")]
            .map { Option(value: $0.0, label: $0.1, selected: $0.0 == register) }
        levels = [("", "Mọi cấp"), ("province", "Tỉnh/thành phố"), ("district", "Quận/huyện"), ("commune", "Xã/phường"), ("agency", "Cơ quan")]
            .map { Option(value: $0.0, label: $0.1, selected: $0.0 == (level ?? "")) }
        self.units = units.map { UnitLink($0) }
        searched = !query.isEmpty || level != nil
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

    init(_ d: UnitRegister.Detail, user: User, csrf: String?) {
        chrome = Chrome(title: d.unit.name, user: user, csrf: csrf, section: "units")
        unit = UnitLink(d.unit)
        registerLabel = ["2025": "Danh mục sau sắp xếp (từ 01/07/2025)", "legacy": "Danh mục trước sắp xếp (đến 30/06/2025)"][d.unit.register]
            ?? "Cơ quan, bộ phận do địa phương thêm"
        validity = [d.unit.validFrom.map { "từ \(VietnameseFormat.date($0))" }, d.unit.validTo.map { "đến \(VietnameseFormat.date($0))" }]
            .compactMap { $0 }.joined(separator: " ")
        parent = d.parent.map { UnitLink($0) }
        children = d.children.map { UnitLink($0) }
        successors = d.successors.map { UnitLink($0.unit, note: $0.isDefault && d.successors.count > 1 ? "đơn vị kế thừa mặc định" : nil) }
        predecessors = d.predecessors.map { UnitLink($0) }
    }
}
