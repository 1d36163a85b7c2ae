import Foundation
import SIPASCore
import SQLKit

/// Frames, designs, draws and cases (migration 8). Frame rows hold the contact columns only
/// sealed; nothing here decrypts them.
public struct SamplingRepository: Sendable {
    public init() {}

    public struct Frame: Sendable, Equatable {
        public var id: Int
        public var campaignId: Int
        public var fileName: String
        public var header: [String]
        public var mapping: FrameMapping
        public var windowFrom: String
        public var windowTo: String
        public var rows: Int
        /// checked (imported, duplicates not yet decided), fixed (drawable), purged.
        public var status: String
        public var duplicateGroups: Int
        public var duplicateRule: String?
        public var duplicateSeed: String?
        public var keptRows: Int?
        public var createdAt: String
        public var fixedAt: String?
        public var purgedAt: String?
    }

    public struct FrameRow: Sendable, Equatable {
        public var line: Int
        public var key: String
        public var unitId: Int
        public var unitCode: String
        public var area: String?
        public var service: String?
        public var procedure: String?
        public var agency: String?
        public var completedOn: String?
        public var personGroup: Int?
        public var kept: Bool
        public var sealed: String?

        public init(line: Int, key: String, unitId: Int, unitCode: String, area: String?, service: String?, procedure: String?,
                    agency: String?, completedOn: String?, personGroup: Int?, kept: Bool, sealed: String?) {
            self.line = line
            self.key = key
            self.unitId = unitId
            self.unitCode = unitCode
            self.area = area
            self.service = service
            self.procedure = procedure
            self.agency = agency
            self.completedOn = completedOn
            self.personGroup = personGroup
            self.kept = kept
            self.sealed = sealed
        }
    }

    // MARK: uploads waiting for their column mapping

    public func saveUpload(campaignId: Int, fileName: String, sheet: String?, sealed: String, userId: Int?, on sql: any SQLDatabase) async throws -> Int {
        guard let row = try await sql.raw("""
            INSERT INTO sampling_uploads (campaign_id, file_name, sheet, sealed, created_by, created_at)
            VALUES (\(bind: campaignId), \(bind: fileName), \(bind: sheet), \(bind: sealed), \(bind: userId), \(bind: Timestamp.now())) RETURNING id
            """).first() else { throw DatabaseError.migration("insert returned no id") }
        return try row.decode(column: "id", as: Int.self)
    }

    public func upload(id: Int, campaignId: Int, on sql: any SQLDatabase) async throws -> (fileName: String, sheet: String?, sealed: String)? {
        try await sql.raw("SELECT file_name, sheet, sealed FROM sampling_uploads WHERE id = \(bind: id) AND campaign_id = \(bind: campaignId)").first().map {
            (try $0.decode(column: "file_name", as: String.self), try $0.decode(column: "sheet", as: String?.self), try $0.decode(column: "sealed", as: String.self))
        }
    }

    public func deleteUploads(campaignId: Int, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM sampling_uploads WHERE campaign_id = \(bind: campaignId)").run()
    }

    // MARK: frames

    public func hasSampling(campaignId: Int, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT 1 AS x FROM sampling_frames WHERE campaign_id = \(bind: campaignId) UNION SELECT 1 AS x FROM sampling_draws WHERE campaign_id = \(bind: campaignId)").first() != nil
    }

    /// Serialises sampling changes of one campaign: PostgreSQL locks the campaign's row until the
    /// transaction ends (SQLite has one writer already).
    public func lockCampaign(_ campaignId: Int, on sql: any SQLDatabase) async throws {
        guard sql.dialect.name.lowercased().contains("postgres") else { return }
        _ = try await sql.raw("SELECT id FROM campaigns WHERE id = \(bind: campaignId) FOR UPDATE").all()
    }

    public func insertFrame(campaignId: Int, fileName: String, header: [String], mapping: FrameMapping, window: (String, String),
                            rows: Int, duplicateGroups: Int, userId: Int?, on sql: any SQLDatabase) async throws -> Int {
        let headerJSON = String(decoding: try JSONEncoder().encode(header), as: UTF8.self)
        let mappingJSON = String(decoding: try JSONEncoder().encode(mapping.columns.reduce(into: [String: String]()) { $0[$1.key.rawValue] = $1.value }), as: UTF8.self)
        let status = duplicateGroups == 0 ? "fixed" : "checked"
        guard let row = try await sql.raw("""
            INSERT INTO sampling_frames (campaign_id, file_name, header, mapping, window_from, window_to, rows, status, duplicate_groups,
                                         kept_rows, created_by, created_at, fixed_at)
            VALUES (\(bind: campaignId), \(bind: fileName), \(bind: headerJSON), \(bind: mappingJSON), \(bind: window.0), \(bind: window.1),
                    \(bind: rows), \(bind: status), \(bind: duplicateGroups), \(bind: duplicateGroups == 0 ? rows : nil), \(bind: userId),
                    \(bind: Timestamp.now()), \(bind: duplicateGroups == 0 ? Timestamp.now() : nil))
            RETURNING id
            """).first() else { throw DatabaseError.migration("insert returned no id") }
        return try row.decode(column: "id", as: Int.self)
    }

    public func insertRows(_ rows: [FrameRow], frameId: Int, on sql: any SQLDatabase) async throws {
        let insert = BulkInsert(table: "sampling_frame_rows", columns: [
            ("frame_id", .integer), ("line", .integer), ("row_key", .text), ("unit_id", .integer), ("unit_code", .text), ("area", .text),
            ("service", .text), ("procedure_name", .text), ("agency", .text), ("completed_on", .text), ("person_group", .integer),
            ("kept", .integer), ("sealed", .text),
        ])
        try await insert.run(rows.map { r in
            [.integer(frameId), .integer(r.line), .text(r.key), .integer(r.unitId), .text(r.unitCode), .text(r.area), .text(r.service),
             .text(r.procedure), .text(r.agency), .text(r.completedOn), r.personGroup.map(BulkInsert.Value.integer) ?? .text(nil),
             .integer(r.kept ? 1 : 0), .text(r.sealed)]
        }, on: sql)
    }

    public func latestFrame(campaignId: Int, on sql: any SQLDatabase) async throws -> Frame? {
        try await sql.raw("SELECT * FROM sampling_frames WHERE campaign_id = \(bind: campaignId) ORDER BY id DESC LIMIT 1").first().map(Self.frame)
    }

    public func frame(id: Int, on sql: any SQLDatabase) async throws -> Frame? {
        try await sql.raw("SELECT * FROM sampling_frames WHERE id = \(bind: id)").first().map(Self.frame)
    }

    static func frame(_ row: any SQLRow) throws -> Frame {
        let header = try JSONDecoder().decode([String].self, from: Data(try row.decode(column: "header", as: String.self).utf8))
        let raw = try JSONDecoder().decode([String: String].self, from: Data(try row.decode(column: "mapping", as: String.self).utf8))
        var columns: [FrameRole: String] = [:]
        for (role, header) in raw { if let role = FrameRole(rawValue: role) { columns[role] = header } }
        return Frame(id: try row.decode(column: "id", as: Int.self), campaignId: try row.decode(column: "campaign_id", as: Int.self),
                     fileName: try row.decode(column: "file_name", as: String.self), header: header, mapping: FrameMapping(columns: columns),
                     windowFrom: try row.decode(column: "window_from", as: String.self), windowTo: try row.decode(column: "window_to", as: String.self),
                     rows: try row.decode(column: "rows", as: Int.self), status: try row.decode(column: "status", as: String.self),
                     duplicateGroups: try row.decode(column: "duplicate_groups", as: Int.self),
                     duplicateRule: try row.decode(column: "duplicate_rule", as: String?.self),
                     duplicateSeed: try row.decode(column: "duplicate_seed", as: String?.self),
                     keptRows: try row.decode(column: "kept_rows", as: Int?.self), createdAt: try row.decode(column: "created_at", as: String.self),
                     fixedAt: try row.decode(column: "fixed_at", as: String?.self), purgedAt: try row.decode(column: "purged_at", as: String?.self))
    }

    /// The rows of a frame, in line order; `sealed` only when asked for. Each row comes back as one
    /// text (fields joined by the unit separator): decoding a million rows field by field costs
    /// more than the draw itself.
    public func rows(frameId: Int, withContacts: Bool, keptOnly: Bool, on sql: any SQLDatabase) async throws -> [FrameRow] {
        let columns = ["CAST(line AS TEXT)", "row_key", "CAST(unit_id AS TEXT)", "unit_code", "area", "service", "procedure_name", "agency",
                       "completed_on", "CAST(person_group AS TEXT)", "CAST(kept AS TEXT)", withContacts ? "sealed" : "NULL"]
        // NULL stays distinguishable from an empty text: a marker byte precedes every present value.
        let joined = columns.map { "COALESCE('~' || \($0), '')" }.joined(separator: " || char(31) || ")
        let expression = sql.dialect.name.lowercased().contains("postgres") ? joined.replacingOccurrences(of: "char(31)", with: "chr(31)") : joined
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: expression) AS r FROM sampling_frame_rows
            WHERE frame_id = \(bind: frameId) \(unsafeRaw: keptOnly ? "AND kept = 1" : "") ORDER BY line
            """).all()
        return try rows.map { row in
            let fields = try row.decode(column: "r", as: String.self).split(separator: "\u{1F}", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? nil : String($0.dropFirst()) }
            guard fields.count == 12, let line = fields[0].flatMap({ Int($0) }), let key = fields[1], let unitId = fields[2].flatMap({ Int($0) }) else {
                throw DatabaseError.migration("dòng khung mẫu không đọc được (an unreadable frame row)")
            }
            return FrameRow(line: line, key: key, unitId: unitId, unitCode: fields[3] ?? "", area: fields[4], service: fields[5], procedure: fields[6],
                            agency: fields[7], completedOn: fields[8], personGroup: fields[9].flatMap { Int($0) }, kept: fields[10] == "1", sealed: fields[11])
        }
    }

    /// Kept rows per unit, counted by the database.
    public func keptPerUnit(frameId: Int, on sql: any SQLDatabase) async throws -> [Int: Int] {
        var out: [Int: Int] = [:]
        for row in try await sql.raw("SELECT unit_id, COUNT(*) AS n FROM sampling_frame_rows WHERE frame_id = \(bind: frameId) AND kept = 1 GROUP BY unit_id").all() {
            out[try row.decode(column: "unit_id", as: Int.self)] = try row.decode(column: "n", as: Int.self)
        }
        return out
    }

    /// Kept rows per combination of the given columns (stored column names), counted by the database.
    public func populations(frameId: Int, columns: [String], on sql: any SQLDatabase) async throws -> [[String]: Int] {
        let allowed: Set<String> = ["unit_code", "area", "service", "procedure_name", "agency"]
        guard columns.allSatisfy(allowed.contains) else { throw DatabaseError.migration("unknown frame column") }
        let list = columns.isEmpty ? "" : columns.map { "COALESCE(\($0), '')" }.joined(separator: ", ")
        let select = columns.enumerated().map { "COALESCE(\($1), '') AS c\($0)" }.joined(separator: ", ")
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: select.isEmpty ? "" : select + ",") COUNT(*) AS n FROM sampling_frame_rows
            WHERE frame_id = \(bind: frameId) AND kept = 1 \(unsafeRaw: list.isEmpty ? "" : "GROUP BY " + list)
            """).all()
        var out: [[String]: Int] = [:]
        for row in rows {
            let key = try columns.indices.map { try row.decode(column: "c\($0)", as: String.self) }
            out[key] = try row.decode(column: "n", as: Int.self)
        }
        return out
    }

    /// The rows of same-person groups, by group then line.
    public func duplicateRows(frameId: Int, on sql: any SQLDatabase) async throws -> [(group: Int, line: Int, key: String, kept: Bool)] {
        try await sql.raw("""
            SELECT person_group, line, row_key, kept FROM sampling_frame_rows
            WHERE frame_id = \(bind: frameId) AND person_group IS NOT NULL ORDER BY person_group, line
            """).all().map {
            (try $0.decode(column: "person_group", as: Int.self), try $0.decode(column: "line", as: Int.self),
             try $0.decode(column: "row_key", as: String.self), try $0.decode(column: "kept", as: Int.self) == 1)
        }
    }

    public func setNotKept(frameId: Int, keys: [String], on sql: any SQLDatabase) async throws {
        for start in stride(from: 0, to: keys.count, by: 500) {
            var query = SQLQueryString("UPDATE sampling_frame_rows SET kept = 0 WHERE frame_id = \(bind: frameId) AND row_key IN (")
            for (i, key) in keys[start..<min(start + 500, keys.count)].enumerated() {
                if i > 0 { query.appendInterpolation(unsafeRaw: ", ") }
                query.appendInterpolation(bind: key)
            }
            query.appendInterpolation(unsafeRaw: ")")
            try await sql.raw(query).run()
        }
    }

    public func fix(frameId: Int, rule: String, seed: String?, kept: Int, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE sampling_frames SET status = 'fixed', duplicate_rule = \(bind: rule), duplicate_seed = \(bind: seed), kept_rows = \(bind: kept),
                   fixed_at = \(bind: Timestamp.now()) WHERE id = \(bind: frameId)
            """).run()
    }

    /// Deletes the rows (contacts with them) and marks the frame purged; draws keep their projection.
    public func purge(frameId: Int, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM sampling_frame_rows WHERE frame_id = \(bind: frameId)").run()
        try await sql.raw("UPDATE sampling_frames SET status = 'purged', purged_at = \(bind: Timestamp.now()) WHERE id = \(bind: frameId)").run()
    }

    /// Frames replaced by a newer import, before any draw used them.
    public func deleteUndrawnFrames(campaignId: Int, on sql: any SQLDatabase) async throws {
        let ids = try await sql.raw("""
            SELECT id FROM sampling_frames f WHERE campaign_id = \(bind: campaignId)
              AND NOT EXISTS (SELECT 1 FROM sampling_draws d WHERE d.frame_id = f.id)
            """).all().map { try $0.decode(column: "id", as: Int.self) }
        for id in ids {
            try await sql.raw("DELETE FROM sampling_frame_rows WHERE frame_id = \(bind: id)").run()
            try await sql.raw("DELETE FROM sampling_frames WHERE id = \(bind: id)").run()
        }
    }
}
