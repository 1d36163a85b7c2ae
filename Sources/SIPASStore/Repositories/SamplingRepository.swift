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

    public func saveUpload(campaignId: Int, fileName: String, sealed: String, userId: Int?, on sql: any SQLDatabase) async throws -> Int {
        guard let row = try await sql.raw("""
            INSERT INTO sampling_uploads (campaign_id, file_name, sealed, created_by, created_at)
            VALUES (\(bind: campaignId), \(bind: fileName), \(bind: sealed), \(bind: userId), \(bind: Timestamp.now())) RETURNING id
            """).first() else { throw DatabaseError.migration("insert returned no id") }
        return try row.decode(column: "id", as: Int.self)
    }

    public func upload(id: Int, campaignId: Int, on sql: any SQLDatabase) async throws -> (fileName: String, sealed: String)? {
        try await sql.raw("SELECT file_name, sealed FROM sampling_uploads WHERE id = \(bind: id) AND campaign_id = \(bind: campaignId)").first().map {
            (try $0.decode(column: "file_name", as: String.self), try $0.decode(column: "sealed", as: String.self))
        }
    }

    public func deleteUploads(campaignId: Int, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM sampling_uploads WHERE campaign_id = \(bind: campaignId)").run()
    }

    // MARK: frames

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

    /// Rows in statements of 1,000 (13,000 binds: under both engines' limits).
    public func insertRows(_ rows: [FrameRow], frameId: Int, on sql: any SQLDatabase) async throws {
        for start in stride(from: 0, to: rows.count, by: 1000) {
            var query = SQLQueryString("""
                INSERT INTO sampling_frame_rows (frame_id, line, row_key, unit_id, unit_code, area, service, procedure_name, agency,
                                                 completed_on, person_group, kept, sealed) VALUES
                """)
            for (i, r) in rows[start..<min(start + 1000, rows.count)].enumerated() {
                query.appendInterpolation(unsafeRaw: i == 0 ? " (" : ", (")
                query.appendInterpolation(bind: frameId)
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: r.line)
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: r.key)
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: r.unitId)
                for value in [r.unitCode, r.area, r.service, r.procedure, r.agency, r.completedOn] as [String?] {
                    query.appendInterpolation(unsafeRaw: ", ")
                    query.appendInterpolation(bind: value)
                }
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: r.personGroup)
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: r.kept ? 1 : 0)
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: r.sealed)
                query.appendInterpolation(unsafeRaw: ")")
            }
            try await sql.raw(query).run()
        }
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

    /// The rows of a frame, in line order; `sealed` only when asked for.
    public func rows(frameId: Int, withContacts: Bool, keptOnly: Bool, on sql: any SQLDatabase) async throws -> [FrameRow] {
        let sealedColumn = withContacts ? "sealed" : "NULL AS sealed"
        return try await sql.raw("""
            SELECT line, row_key, unit_id, unit_code, area, service, procedure_name, agency, completed_on, person_group, kept, \(unsafeRaw: sealedColumn)
            FROM sampling_frame_rows WHERE frame_id = \(bind: frameId) \(unsafeRaw: keptOnly ? "AND kept = 1" : "") ORDER BY line
            """).all().map { r in
            FrameRow(line: try r.decode(column: "line", as: Int.self), key: try r.decode(column: "row_key", as: String.self),
                     unitId: try r.decode(column: "unit_id", as: Int.self), unitCode: try r.decode(column: "unit_code", as: String.self),
                     area: try r.decode(column: "area", as: String?.self), service: try r.decode(column: "service", as: String?.self),
                     procedure: try r.decode(column: "procedure_name", as: String?.self), agency: try r.decode(column: "agency", as: String?.self),
                     completedOn: try r.decode(column: "completed_on", as: String?.self), personGroup: try r.decode(column: "person_group", as: Int?.self),
                     kept: try r.decode(column: "kept", as: Int.self) == 1, sealed: try r.decode(column: "sealed", as: String?.self))
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
