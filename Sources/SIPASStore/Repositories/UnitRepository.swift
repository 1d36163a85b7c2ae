import SIPASCore
import Foundation
import SQLKit

/// Units and agencies: loading the registers, search, lookup, subtrees.
public struct UnitRepository: Sendable {
    let db: Database

    public init(_ db: Database) { self.db = db }

    static let columns = "id, code, name, kind, level, parent_id, path, register, valid_from, valid_to"

    static func decode(_ row: any SQLRow) throws -> AdminUnit {
        AdminUnit(id: try row.decode(column: "id", as: Int.self), code: try row.decode(column: "code", as: String.self),
             name: try row.decode(column: "name", as: String.self), kind: try row.decode(column: "kind", as: String.self),
             level: try Self.enumValue(row, "level", as: UnitLevel.self), parentId: try row.decode(column: "parent_id", as: Int?.self),
             path: try row.decode(column: "path", as: String.self), register: try Self.enumValue(row, "register", as: Register.self),
             validFrom: try row.decode(column: "valid_from", as: String?.self), validTo: try row.decode(column: "valid_to", as: String?.self))
    }

    /// A stored level or register; a value this version does not know means a newer program wrote it.
    static func enumValue<T: RawRepresentable>(_ row: any SQLRow, _ column: String, as: T.Type) throws -> T where T.RawValue == String {
        let text = try row.decode(column: column, as: String.self)
        guard let value = T(rawValue: text) else { throw DatabaseError.migration("giá trị \"\(text)\" không hợp lệ ở cột units.\(column) (an unknown value)") }
        return value
    }

    public func count() async throws -> Int {
        try await db.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM units").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// A unit by id. Units are never edited once committed (registers are loaded before serving),
    /// so they are cached.
    public func find(id: Int) async throws -> AdminUnit? {
        if let cached = db.unitCache.get(id) { return cached }
        let unit = try await db.read { sql in
            try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM units WHERE id = \(bind: id)").first().map(Self.decode)
        }
        if let unit, !db.isWriting { db.unitCache.set(id, unit) }
        return unit
    }

    /// The unit of a register by code (codes are unique within a register and level).
    public func find(register: Register, level: UnitLevel, code: String) async throws -> AdminUnit? {
        try await db.read { sql in
            try await sql.raw("""
                SELECT \(unsafeRaw: Self.columns) FROM units
                WHERE register = \(bind: register.rawValue) AND level = \(bind: level.rawValue) AND code = \(bind: code)
                """).first().map(Self.decode)
        }
    }

    /// Case- and diacritic-insensitive search on names, optionally within a register, a level, and
    /// below a unit.
    public func search(_ text: String, register: Register? = nil, level: UnitLevel? = nil, within: AdminUnit? = nil,
                       limit: Int = 50, offset: Int = 0) async throws -> [AdminUnit] {
        // Every word must appear, in any order; `%`, `_` and `\` are matched as themselves.
        let words = SearchText.fold(text).split(whereSeparator: { $0.isWhitespace }).map { word in
            "%" + word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
        }
        return try await db.read { sql in
            var query = SQLQueryString("SELECT \(unsafeRaw: Self.columns) FROM units WHERE 1 = 1")
            for word in words {
                query.appendInterpolation(unsafeRaw: " AND search_name LIKE ")
                query.appendInterpolation(bind: word)
                query.appendInterpolation(unsafeRaw: " ESCAPE '\\'")
            }
            if let register { query.appendInterpolation(unsafeRaw: " AND register = "); query.appendInterpolation(bind: register.rawValue) }
            if let level { query.appendInterpolation(unsafeRaw: " AND level = "); query.appendInterpolation(bind: level.rawValue) }
            if let within { query.appendInterpolation(unsafeRaw: " AND path LIKE "); query.appendInterpolation(bind: within.path + "%") }
            query.appendInterpolation(unsafeRaw: " ORDER BY level, name, id LIMIT ")
            query.appendInterpolation(bind: limit)
            query.appendInterpolation(unsafeRaw: " OFFSET ")
            query.appendInterpolation(bind: offset)
            return try await sql.raw(query).all().map(Self.decode)
        }
    }

    public func children(of unit: AdminUnit) async throws -> [AdminUnit] {
        try await db.read { sql in
            try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM units WHERE parent_id = \(bind: unit.id) ORDER BY name, id")
                .all().map(Self.decode)
        }
    }

    /// The 2025 units a legacy unit became (a split commune has several; the default first).
    public func successors(of unit: AdminUnit) async throws -> [(unit: AdminUnit, isDefault: Bool)] {
        try await db.read { sql in
            try await sql.raw("""
                SELECT u.id, u.code, u.name, u.kind, u.level, u.parent_id, u.path, u.register, u.valid_from, u.valid_to, s.is_default
                FROM unit_successors s JOIN units u ON u.id = s.unit_id
                WHERE s.legacy_unit_id = \(bind: unit.id) ORDER BY s.is_default DESC, u.name
                """).all().map { (try Self.decode($0), try $0.decode(column: "is_default", as: Int.self) == 1) }
        }
    }

    /// The 2025 communes that succeeded any commune of a legacy unit ("every commune that
    /// succeeded the former Văn Quan district"), by name.
    public func successorCommunes(within legacy: AdminUnit) async throws -> [AdminUnit] {
        try await db.read { sql in
            try await sql.raw("""
                SELECT DISTINCT u.id, u.code, u.name, u.kind, u.level, u.parent_id, u.path, u.register, u.valid_from, u.valid_to
                FROM unit_successors s JOIN units l ON l.id = s.legacy_unit_id JOIN units u ON u.id = s.unit_id
                WHERE l.path LIKE \(bind: legacy.path + "%") AND u.level = 'commune' ORDER BY u.name, u.id
                """).all().map(Self.decode)
        }
    }

    /// The legacy units that became this 2025 unit.
    public func predecessors(of unit: AdminUnit) async throws -> [AdminUnit] {
        try await db.read { sql in
            try await sql.raw("""
                SELECT u.id, u.code, u.name, u.kind, u.level, u.parent_id, u.path, u.register, u.valid_from, u.valid_to
                FROM unit_successors s JOIN units u ON u.id = s.legacy_unit_id
                WHERE s.unit_id = \(bind: unit.id) ORDER BY u.name, u.id
                """).all().map(Self.decode)
        }
    }

    /// Whether an agency code is taken (codes compare without case).
    public func agencyCodeExists(_ code: String, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT 1 AS x FROM units WHERE register = 'local' AND lower(code) = lower(\(bind: code))").first() != nil
    }

    /// Adds an agency (sở, ban, ngành, one-stop shop…) under a unit.
    public func addAgency(code: String, name: String, kind: String, parent: AdminUnit, on sql: any SQLDatabase) async throws -> AdminUnit {
        guard let row = try await sql.raw("""
            INSERT INTO units (code, name, search_name, kind, level, parent_id, path, register, valid_from, valid_to)
            VALUES (\(bind: code), \(bind: name), \(bind: SearchText.fold(name)), \(bind: kind), 'agency', \(bind: parent.id),
                    '', 'local', \(bind: parent.validFrom), \(bind: parent.validTo))
            RETURNING id
            """).first() else { throw DatabaseError.migration("insert returned no id") }
        let id = try row.decode(column: "id", as: Int.self)
        let path = parent.path + "\(id)/"
        try await sql.raw("UPDATE units SET path = \(bind: path) WHERE id = \(bind: id)").run()
        return AdminUnit(id: id, code: code, name: name, kind: kind, level: .agency, parentId: parent.id, path: path,
                    register: .local, validFrom: parent.validFrom, validTo: parent.validTo)
    }
}
