import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore

/// Every check of a frame's rows before anything is stored, with one problem list (line, column,
/// value, what to do): keys (empty, duplicated, computed by a formula), units (unknown, not
/// measured, not valid on the completion date), dates (unreadable, outside the window); and the
/// same person across several dossiers, grouped for the official to decide.
struct FrameRowsCheck {
    let table: RowsFrameTable
    let mapping: FrameMapping
    let window: (String, String)
    let measured: [AdminUnit]
    let units: UnitRepository

    struct Row {
        var stored: SamplingRepository.FrameRow
        /// Contact columns and every unmapped column, sealed before storage.
        var contact: [String: String]
    }

    struct Outcome {
        var rows: [Row]
        var duplicateGroups: Int
    }

    func run() async throws -> Outcome {
        var problems: [AppError.Item] = []
        var total = 0
        func problem(_ line: Int, _ role: FrameRole, _ message: String) {
            total += 1
            if problems.count < AppError.itemLimit { problems.append(AppError.Item(line: line, field: mapping[role], message: message)) }
        }
        let index = Dictionary(uniqueKeysWithValues: table.header.enumerated().map { ($1, $0) })
        let positions = mapping.columns.compactMapValues { index[$0] }
        func column(_ role: FrameRole) -> Int? { positions[role] }
        let byCode = Dictionary(measured.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var byName: [String: [AdminUnit]] = [:]
        for unit in measured { byName[SearchText.fold(unit.name), default: []].append(unit) }
        let formulaKeys = Set(table.formulaCells.filter { $0.column == mapping[.key] }.map(\.line))
        let contactRoles = FrameRole.allCases.filter(\.isContact)
        let mappedHeaders = Set(mapping.columns.values)
        let unmapped = table.header.enumerated().filter { !mappedHeaders.contains($0.element) }.map { ($0.offset, "cot:" + $0.element) }
        var seenKeys: [String: Int] = [:]
        var people: [String: [Int]] = [:]
        var rows: [Row] = []
        var unknownUnits: [String: String] = [:]
        // Fields, procedures and agencies repeat across a million rows: each spelling normalised once.
        var normalised: [String: String] = [:]
        func nfc(_ text: String?) -> String? {
            guard let text else { return nil }
            if let done = normalised[text] { return done }
            let value = SeededUniform.nfc(text)
            if normalised.count < 100_000 { normalised[text] = value }
            return value
        }
        for (line, values) in table.rows {
            func value(_ role: FrameRole) -> String? { column(role).map { Self.trimmed(values[$0]) } }
            let key: String
            if mapping[.key] != nil {
                key = SeededUniform.nfc(value(.key) ?? "")
                if key.isEmpty { problem(line, .key, "mã hồ sơ trống; mỗi dòng cần một mã riêng (an empty key)"); continue }
                if let first = key.unicodeScalars.first, "=+-@".unicodeScalars.contains(first) {
                    problem(line, .key, "mã hồ sơ \"\(key)\" bắt đầu bằng \(first), dễ thành công thức khi mở bằng Excel; sửa mã (a key that reads as a formula)"); continue
                }
                if formulaKeys.contains(line) { problem(line, .key, "mã hồ sơ \"\(key)\" là công thức Excel; dán giá trị (Paste Values) rồi tải lại (a key computed by a formula)") }
                if let first = seenKeys[key] { problem(line, .key, "mã hồ sơ \"\(key)\" trùng với dòng \(first); mỗi hồ sơ một mã (a duplicate key)"); continue }
                seenKeys[key] = line
            } else {
                key = String(format: "%07d", line)
            }
            let unitText = value(.unit) ?? ""
            var unit = byCode[unitText] ?? byCode[SeededUniform.nfc(unitText)] ?? Self.zeroDropped(unitText, byCode)
            if unit == nil, let named = byName[SearchText.fold(unitText)] {
                if named.count == 1 { unit = named[0] } else {
                    problem(line, .unit, "tên \"\(unitText)\" trùng nhiều đơn vị của kỳ; ghi mã đơn vị (\(named.map(\.code).joined(separator: ", "))) (an ambiguous name)"); continue
                }
            }
            guard let unit else {
                if unitText.isEmpty { problem(line, .unit, "thiếu đơn vị; ghi mã hoặc tên xã, phường (no unit)"); continue }
                // Looked up in the registers for the first few spellings only: a wrongly mapped
                // column has a million of them.
                if unknownUnits[unitText] == nil {
                    unknownUnits[unitText] = unknownUnits.count < 50 ? try await describe(unitText, measured: byCode)
                        : "\"\(unitText)\" không phải đơn vị được đo lường của kỳ này; kiểm tra cột đơn vị đã chọn (not a measured unit)"
                }
                problem(line, .unit, unknownUnits[unitText]!)
                continue
            }
            if let (role, text) = Self.controlCharacter(key: key, value) {
                problem(line, role, "\"\(text)\" chứa ký tự điều khiển (không in được); xóa ký tự đó trong tệp (a control character)"); continue
            }
            var completed: String?
            if let text = value(.completedOn), !text.isEmpty {
                guard let date = FrameDate.parse(text) else {
                    problem(line, .completedOn, "ngày \"\(text)\" không đọc được; ghi dd/mm/yyyy (an unreadable date)"); continue
                }
                if date < window.0 || date > window.1 {
                    problem(line, .completedOn, "ngày hoàn thành \(Self.vietnamese(date)) ngoài khoảng \(Self.vietnamese(window.0))–\(Self.vietnamese(window.1)) của kỳ (a date outside the window)"); continue
                }
                if let from = unit.validFrom, date < from {
                    problem(line, .completedOn, "\(unit.name) chỉ tồn tại từ \(Self.vietnamese(from)), ngày hoàn thành \(Self.vietnamese(date)) trước đó; ghi đơn vị cũ hoặc kiểm tra ngày (the unit did not exist on that date)"); continue
                }
                if let to = unit.validTo, date > to {
                    problem(line, .completedOn, "\(unit.name) đã thôi tồn tại từ sau \(Self.vietnamese(to)), ngày hoàn thành \(Self.vietnamese(date)); ghi đơn vị kế thừa (the unit no longer existed on that date)"); continue
                }
                completed = date
            }
            var contact: [String: String] = [:]
            for role in contactRoles { if let v = value(role), !v.isEmpty { contact[role.rawValue] = v } }
            for (i, name) in unmapped where !values[i].isEmpty { contact[name] = values[i] }
            if let person = PersonIdentity.key(name: value(.name), phone: value(.phone)) { people[person, default: []].append(rows.count) }
            rows.append(Row(stored: SamplingRepository.FrameRow(
                line: line, key: key, unitId: unit.id, unitCode: unit.code, area: nfc(value(.area)),
                service: nfc(value(.service)), procedure: nfc(value(.procedure)),
                agency: nfc(value(.agency)), completedOn: completed, personGroup: nil, kept: true, sealed: nil), contact: contact))
        }
        if !problems.isEmpty {
            throw AppError(.invalidContent, "khung mẫu có \(total) lỗi, chưa lưu dòng nào; sửa tệp rồi tải lại (the frame was refused, nothing was stored)",
                           field: "/file", items: problems, totalItems: total)
        }
        var group = 0
        for members in people.values.sorted(by: { $0[0] < $1[0] }) where members.count > 1 {
            group += 1
            for i in members { rows[i].stored.personGroup = group }
        }
        return Outcome(rows: rows, duplicateGroups: group)
    }

    /// What to tell of a unit the campaign does not measure: unknown, measured by no one here,
    /// or a unit of the register before 1/7/2025 whose successor should be written instead.
    private func describe(_ text: String, measured: [String: AdminUnit]) async throws -> String {
        var known = try await anyUnit(code: text)
        if known == nil {
            let folded = SearchText.fold(text)
            known = try await units.search(text, limit: 20).first { SearchText.fold($0.name) == folded }
        }
        guard let known else {
            return "không có đơn vị \"\(text)\" trong danh mục; ghi mã (ví dụ 06253) hoặc tên như trong danh mục (an unknown unit)"
        }
        if known.register == .legacy {
            let successors = try await units.successors(of: known).map(\.unit)
            if let successor = successors.first(where: { measured[$0.code]?.id == $0.id }) ?? successors.first {
                return "\(known.name) (mã \(known.code)) là đơn vị trước sắp xếp ngày 01/07/2025, nay thuộc \(successor.name) (mã \(successor.code)); ghi mã \(successor.code) (a unit of the register before the reform)"
            }
        }
        return "\(known.name) (mã \(known.code)) không thuộc các đơn vị được đo lường của kỳ này; bỏ dòng này hoặc thêm đơn vị vào kế hoạch (a unit the campaign does not measure)"
    }

    private func anyUnit(code: String) async throws -> AdminUnit? {
        for register in [Register.reform2025, .legacy] {
            for level in [UnitLevel.commune, .district, .province] {
                if let unit = try await units.find(register: register, level: level, code: code) { return unit }
            }
        }
        return nil
    }

    /// A code Excel read as a number and wrote without its leading zeros (06253 → 6253): the
    /// measured unit whose code it is once padded to a register's lengths (province 2, district 3,
    /// commune 5).
    static func zeroDropped(_ text: String, _ byCode: [String: AdminUnit]) -> AdminUnit? {
        guard !text.isEmpty, text.count < 5, text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        for width in [2, 3, 5] where width > text.count {
            if let unit = byCode[String(repeating: "0", count: width - text.count) + text] { return unit }
        }
        return nil
    }

    static let storedRoles: [FrameRole] = [.area, .service, .procedure, .agency]

    /// The first stored value of a row (its key, then its design columns) holding a control character.
    static func controlCharacter(key: String, _ value: (FrameRole) -> String?) -> (FrameRole, String)? {
        if hasControlCharacter(key) { return (.key, key) }
        for role in storedRoles {
            if let text = value(role), hasControlCharacter(text) { return (role, text) }
        }
        return nil
    }

    /// Control characters but tab and line ends: they cannot be shown, and the stored frame uses two
    /// of them as separators.
    static func hasControlCharacter(_ text: String) -> Bool {
        text.utf8.contains { ($0 < 0x20 && $0 != 9 && $0 != 10 && $0 != 13) || $0 == 0x7F }
    }

    /// Spaces and tabs around a value dropped; most values have none, and are returned as they are.
    static func trimmed(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        if first != 32 && first != 9 && last != 32 && last != 9 { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    static func vietnamese(_ iso: String) -> String {
        let p = iso.split(separator: "-")
        return p.count == 3 ? "\(p[2])/\(p[1])/\(p[0])" : iso
    }
}
