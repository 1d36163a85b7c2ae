import SIPASCore
import Foundation
import SQLKit

/// Loads the official registers shipped with the program (`Registers/`): provinces, districts and
/// communes valid until 30/06/2025, provinces and communes valid from 01/07/2025, and the mapping
/// from legacy communes to 2025 communes. Idempotent: does nothing when units exist.
public enum UnitRegisterLoader {
    public struct Summary: Sendable, Equatable {
        public var units: Int
        public var successors: Int
    }

    static let legacyValidTo = "2025-06-30"
    static let reformValidFrom = "2025-07-01"

    public static func loadIfEmpty(_ db: Database) async throws -> Summary? {
        if try await UnitRepository(db).count() > 0 { return nil }
        return try await load(db)
    }

    static func register(_ name: String) throws -> [[String]] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Registers"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw DatabaseError.migration("thiếu tệp danh mục \(name).csv trong gói chương trình (register file missing)")
        }
        // The registers use CRLF line ends, a single Character in Swift: split on any line break.
        return text.split(whereSeparator: \.isNewline).dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    static func kind(_ type: String) -> String {
        switch type {
        case "Tỉnh": return "tinh"
        case "Thành phố": return "thanh-pho"
        case "Huyện": return "huyen"
        case "Quận": return "quan"
        case "Thị xã": return "thi-xa"
        case "Phường": return "phuong"
        case "Thị trấn": return "thi-tran"
        case "Xã": return "xa"
        case "Đặc khu": return "dac-khu"
        default: return "khac"
        }
    }

    static func provinceKind(_ name: String) -> String { name.hasPrefix("Thành phố") ? "thanh-pho" : "tinh" }

    struct NewUnit {
        var code, name, kind: String
        var level: UnitLevel
        var parentCode: String?
    }

    static func load(_ db: Database) async throws -> Summary {
        let legacy = try register("units-legacy")
        let reform = try register("units-2025")
        let mapping = try register("units-2025-from-legacy")
        return try await db.transaction { sql in
            var total = 0
            // Legacy: province → district → commune.
            var seenProvince = Set<String>(), seenDistrict = Set<String>()
            var provinces: [NewUnit] = [], districts: [NewUnit] = [], communes: [NewUnit] = []
            for r in legacy {
                if seenProvince.insert(r[0]).inserted { provinces.append(NewUnit(code: r[0], name: r[1], kind: provinceKind(r[1]), level: .province)) }
                if seenDistrict.insert(r[2]).inserted { districts.append(NewUnit(code: r[2], name: r[3], kind: kind(r[4]), level: .district, parentCode: r[0])) }
                // Island districts (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) have no communes.
                if !r[5].isEmpty {
                    communes.append(NewUnit(code: r[5], name: r[6], kind: kind(r[7]), level: .commune, parentCode: r[2]))
                }
            }
            let legacyProvinces = try await insert(provinces, parents: [:], register: .legacy, on: sql)
            let legacyDistricts = try await insert(districts, parents: legacyProvinces, register: .legacy, on: sql)
            let legacyCommunes = try await insert(communes, parents: legacyDistricts, register: .legacy, on: sql)
            total += provinces.count + districts.count + communes.count
            // 2025: province → commune.
            seenProvince.removeAll()
            provinces = []; communes = []
            for r in reform {
                if seenProvince.insert(r[0]).inserted { provinces.append(NewUnit(code: r[0], name: r[1], kind: provinceKind(r[1]), level: .province)) }
                communes.append(NewUnit(code: r[2], name: r[3], kind: kind(r[4]), level: .commune, parentCode: r[0]))
            }
            let newProvinces = try await insert(provinces, parents: [:], register: .reform2025, on: sql)
            let newCommunes = try await insert(communes, parents: newProvinces, register: .reform2025, on: sql)
            total += provinces.count + communes.count
            var pairs: [(Int, Int, Int)] = []
            for r in mapping {
                guard let from = legacyCommunes[r[0]]?.id, let to = newCommunes[r[1]]?.id else { continue }
                pairs.append((from, to, r[2] == "1" ? 1 : 0))
            }
            for chunk in stride(from: 0, to: pairs.count, by: 300) {
                var query = SQLQueryString("INSERT INTO unit_successors (legacy_unit_id, unit_id, is_default) VALUES ")
                for (i, p) in pairs[chunk..<min(chunk + 300, pairs.count)].enumerated() {
                    query.appendInterpolation(unsafeRaw: i == 0 ? "(" : ", (")
                    query.appendInterpolation(bind: p.0)
                    query.appendInterpolation(unsafeRaw: ", ")
                    query.appendInterpolation(bind: p.1)
                    query.appendInterpolation(unsafeRaw: ", ")
                    query.appendInterpolation(bind: p.2)
                    query.appendInterpolation(unsafeRaw: ")")
                }
                try await sql.raw(query).run()
            }
            return Summary(units: total, successors: pairs.count)
        }
    }

    /// Inserts units in batches; returns code → (id, path).
    static func insert(_ units: [NewUnit], parents: [String: (id: Int, path: String)], register: Register,
                       on sql: any SQLDatabase) async throws -> [String: (id: Int, path: String)] {
        let validFrom: String? = register == .reform2025 ? reformValidFrom : nil
        let validTo: String? = register == .legacy ? legacyValidTo : nil
        var out: [String: (id: Int, path: String)] = [:]
        for chunk in stride(from: 0, to: units.count, by: 200) {
            let batch = Array(units[chunk..<min(chunk + 200, units.count)])
            var query = SQLQueryString("INSERT INTO units (code, name, search_name, kind, level, parent_id, path, register, valid_from, valid_to) VALUES ")
            for (i, u) in batch.enumerated() {
                query.appendInterpolation(unsafeRaw: i == 0 ? "(" : ", (")
                for (k, value) in [u.code, u.name, SearchText.fold(u.name), u.kind, u.level.rawValue].enumerated() {
                    if k > 0 { query.appendInterpolation(unsafeRaw: ", ") }
                    query.appendInterpolation(bind: value)
                }
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: u.parentCode.flatMap { parents[$0]?.id })
                query.appendInterpolation(unsafeRaw: ", '', ")
                query.appendInterpolation(bind: register.rawValue)
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: validFrom)
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: validTo)
                query.appendInterpolation(unsafeRaw: ")")
            }
            query.appendInterpolation(unsafeRaw: " RETURNING id, code")
            for row in try await sql.raw(query).all() {
                let id = try row.decode(column: "id", as: Int.self)
                let code = try row.decode(column: "code", as: String.self)
                let parentPath = batch.first { $0.code == code }?.parentCode.flatMap { parents[$0]?.path } ?? "/"
                out[code] = (id, parentPath + "\(id)/")
            }
        }
        // Paths need the ids: set them in one statement per batch of units.
        let entries = Array(out)
        for chunk in stride(from: 0, to: entries.count, by: 400) {
            var query = SQLQueryString("UPDATE units SET path = CASE id")
            for (_, value) in entries[chunk..<min(chunk + 400, entries.count)] {
                query.appendInterpolation(unsafeRaw: " WHEN ")
                query.appendInterpolation(bind: value.id)
                query.appendInterpolation(unsafeRaw: " THEN ")
                query.appendInterpolation(bind: value.path)
            }
            query.appendInterpolation(unsafeRaw: " ELSE path END WHERE id IN (")
            for (i, (_, value)) in entries[chunk..<min(chunk + 400, entries.count)].enumerated() {
                if i > 0 { query.appendInterpolation(unsafeRaw: ", ") }
                query.appendInterpolation(bind: value.id)
            }
            query.appendInterpolation(unsafeRaw: ")")
            try await sql.raw(query).run()
        }
        return out
    }
}
