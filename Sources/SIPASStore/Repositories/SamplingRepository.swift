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

    /// Stores a frame's rows in chunks (migration 9), with the rows per unit and the same-person
    /// groups beside them.
    public func insertRows(_ rows: [FrameRow], frameId: Int, on sql: any SQLDatabase) async throws {
        let size = FrameChunkLayout.rowsPerChunk
        for (chunk, start) in stride(from: 0, to: rows.count, by: size).enumerated() {
            let slice = rows[start..<min(start + size, rows.count)]
            let (content, contacts) = try FrameChunk.encode(slice)
            try await sql.raw("""
                INSERT INTO sampling_frame_chunks (frame_id, chunk, first_line, row_count, content, contacts)
                VALUES (\(bind: frameId), \(bind: chunk), \(bind: slice.first!.line), \(bind: slice.count), \(bind: content), \(bind: contacts))
                """).run()
        }
        var perUnit: [Int: Int] = [:]
        for row in rows { perUnit[row.unitId, default: 0] += 1 }
        try await BulkInsert(table: "sampling_frame_units", columns: [("frame_id", .integer), ("unit_id", .integer), ("row_count", .integer)])
            .run(perUnit.sorted { $0.key < $1.key }.map { [.integer(frameId), .integer($0.key), .integer($0.value)] }, on: sql)
        try await BulkInsert(table: "sampling_frame_people", columns: [
            ("frame_id", .integer), ("person_group", .integer), ("line", .integer), ("row_key", .text), ("unit_id", .integer), ("kept", .integer),
        ]).run(rows.compactMap { r in
            r.personGroup.map { [.integer(frameId), .integer($0), .integer(r.line), .text(r.key), .integer(r.unitId), .integer(r.kept ? 1 : 0)] }
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

    /// The rows of a frame, in line order; `sealed` only when asked for.
    public func rows(frameId: Int, withContacts: Bool, keptOnly: Bool, on sql: any SQLDatabase) async throws -> [FrameRow] {
        let groups = Dictionary(try await duplicateRows(frameId: frameId, on: sql).map { ($0.key, (group: $0.group, kept: $0.kept)) },
                                uniquingKeysWith: { a, _ in a })
        let chunks = try await sql.raw("""
            SELECT content, \(unsafeRaw: withContacts ? "contacts" : "'' AS contacts") FROM sampling_frame_chunks
            WHERE frame_id = \(bind: frameId) ORDER BY chunk
            """).all()
        var out: [FrameRow] = []
        for chunk in chunks {
            out += try Self.records(try chunk.decode(column: "content", as: String.self),
                                    contacts: withContacts ? try chunk.decode(column: "contacts", as: String.self) : nil, groups: groups, keptOnly: keptOnly)
        }
        return out
    }

    /// A frame's kept rows as a draw reads them: the line and [key, unit code, area, service,
    /// procedure, agency] (absent as empty), and each row's unit id; nothing else is decoded.
    public func designRows(frameId: Int, on sql: any SQLDatabase) async throws -> (rows: [(line: Int, values: [String])], unitIds: [Int]) {
        let dropped = Set(try await duplicateRows(frameId: frameId, on: sql).filter { !$0.kept }.map(\.key))
        let texts = try await sql.raw("SELECT content FROM sampling_frame_chunks WHERE frame_id = \(bind: frameId) ORDER BY chunk").all()
            .map { try $0.decode(column: "content", as: String.self) }
        // Two halves of the chunks decoded at once: a million records is a good part of a draw.
        let half = texts.count / 2
        async let first = Self.designRecords(texts[..<half], dropped: dropped)
        async let second = Self.designRecords(texts[half...], dropped: dropped)
        let (a, b) = try await (first, second)
        return (a.rows + b.rows, a.unitIds + b.unitIds)
    }

    static func designRecords(_ texts: ArraySlice<String>, dropped: Set<String>) throws -> (rows: [(line: Int, values: [String])], unitIds: [Int]) {
        var rows: [(line: Int, values: [String])] = [], unitIds: [Int] = []
        for text in texts {
            try FrameChunk.forEachRecord(text) { fields in
                let (line, key, unitId) = try FrameChunk.head(fields)
                if !dropped.isEmpty && dropped.contains(key) { return }
                rows.append((line, [key, fields[3] ?? "", fields[4] ?? "", fields[5] ?? "", fields[6] ?? "", fields[7] ?? ""]))
                unitIds.append(unitId)
            }
        }
        return (rows, unitIds)
    }

    static func records(_ content: String, contacts text: String?, groups: [String: (group: Int, kept: Bool)], keptOnly: Bool) throws -> [FrameRow] {
        let contacts = text.map(FrameChunk.contacts) ?? []
        var out: [FrameRow] = []
        var index = 0
        try FrameChunk.forEachRecord(content) { fields in
            defer { index += 1 }
            let (line, key, unitId) = try FrameChunk.head(fields)
            let group = groups.isEmpty ? nil : groups[key]
            if keptOnly && group?.kept == false { return }
            if text != nil && index >= contacts.count { throw UnreadableChunk() }
            out.append(FrameRow(line: line, key: key, unitId: unitId, unitCode: fields[3] ?? "", area: fields[4], service: fields[5],
                                procedure: fields[6], agency: fields[7], completedOn: fields[8], personGroup: group?.group,
                                kept: group?.kept ?? true, sealed: text != nil ? contacts[index] : nil))
        }
        return out
    }

    /// Kept rows per unit: the unit's rows less its dossiers set aside as the same person.
    public func keptPerUnit(frameId: Int, on sql: any SQLDatabase) async throws -> [Int: Int] {
        var out: [Int: Int] = [:]
        for row in try await sql.raw("""
            SELECT u.unit_id, u.row_count - (SELECT COUNT(*) FROM sampling_frame_people p
                                             WHERE p.frame_id = u.frame_id AND p.unit_id = u.unit_id AND p.kept = 0) AS n
            FROM sampling_frame_units u WHERE u.frame_id = \(bind: frameId)
            """).all() {
            out[try row.decode(column: "unit_id", as: Int.self)] = try row.decode(column: "n", as: Int.self)
        }
        return out
    }

    /// Kept rows per combination of the given columns (stored column names).
    public func populations(frameId: Int, columns: [String], on sql: any SQLDatabase) async throws -> [[String]: Int] {
        let read: [String: (FrameRow) -> String?] = ["unit_code": { $0.unitCode }, "area": \.area, "service": \.service,
                                                     "procedure_name": \.procedure, "agency": \.agency]
        let parts = try columns.map { name in
            guard let part = read[name] else { throw DatabaseError.migration("unknown frame column \(name)") }
            return part
        }
        var out: [[String]: Int] = [:]
        for row in try await rows(frameId: frameId, withContacts: false, keptOnly: true, on: sql) {
            out[parts.map { $0(row) ?? "" }, default: 0] += 1
        }
        return out
    }

    /// The rows of same-person groups, by group then line.
    public func duplicateRows(frameId: Int, on sql: any SQLDatabase) async throws -> [(group: Int, line: Int, key: String, kept: Bool)] {
        try await sql.raw("""
            SELECT person_group, line, row_key, kept FROM sampling_frame_people
            WHERE frame_id = \(bind: frameId) ORDER BY person_group, line
            """).all().map {
            (try $0.decode(column: "person_group", as: Int.self), try $0.decode(column: "line", as: Int.self),
             try $0.decode(column: "row_key", as: String.self), try $0.decode(column: "kept", as: Int.self) == 1)
        }
    }

    public func setNotKept(frameId: Int, keys: [String], on sql: any SQLDatabase) async throws {
        for start in stride(from: 0, to: keys.count, by: 500) {
            var query = SQLQueryString("UPDATE sampling_frame_people SET kept = 0 WHERE frame_id = \(bind: frameId) AND row_key IN (")
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
        try await deleteRows(frameId: frameId, on: sql)
        // The copies handed to enumerators go with the frame's contacts.
        try await sql.raw("DELETE FROM case_contacts WHERE campaign_id = (SELECT campaign_id FROM sampling_frames WHERE id = \(bind: frameId))").run()
        try await sql.raw("UPDATE sampling_frames SET status = 'purged', purged_at = \(bind: Timestamp.now()) WHERE id = \(bind: frameId)").run()
    }

    /// Frames replaced by a newer import, before any draw used them.
    public func deleteUndrawnFrames(campaignId: Int, on sql: any SQLDatabase) async throws {
        let ids = try await sql.raw("""
            SELECT id FROM sampling_frames f WHERE campaign_id = \(bind: campaignId)
              AND NOT EXISTS (SELECT 1 FROM sampling_draws d WHERE d.frame_id = f.id)
            """).all().map { try $0.decode(column: "id", as: Int.self) }
        for id in ids {
            try await deleteRows(frameId: id, on: sql)
            try await sql.raw("DELETE FROM sampling_frames WHERE id = \(bind: id)").run()
        }
    }

    static let rowTables = ["sampling_frame_chunks", "sampling_frame_units", "sampling_frame_people"]

    /// A frame's rows, contacts included, and what is kept beside them.
    func deleteRows(frameId: Int, on sql: any SQLDatabase) async throws {
        for table in Self.rowTables {
            try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE frame_id = \(bind: frameId)").run()
        }
    }
}
