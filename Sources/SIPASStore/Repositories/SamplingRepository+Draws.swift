import Foundation
import SIPASCore
import SQLKit

extension SamplingRepository {
    public struct Draw: Sendable, Equatable {
        public var id: Int
        public var campaignId: Int
        public var frameId: Int
        public var number: Int
        public var seed: String
        public var record: String
        public var isFinal: Bool
        public var reason: String?
        public var drawnBy: Int?
        public var drawnAt: String
    }

    public struct CaseRow: Sendable, Equatable {
        public var number: Int
        public var code: String
        public var frameKey: String
        public var unitId: Int
        public var stratum: String
        public var firstStratum: String
        public var psu: String?
        public var role: String
        public var order: Int
        public var pi: Double
        public var designWeight: Double
        public var status: String

        public init(number: Int, code: String, frameKey: String, unitId: Int, stratum: String, firstStratum: String, psu: String?,
                    role: String, order: Int, pi: Double, designWeight: Double, status: String) {
            self.number = number
            self.code = code
            self.frameKey = frameKey
            self.unitId = unitId
            self.stratum = stratum
            self.firstStratum = firstStratum
            self.psu = psu
            self.role = role
            self.order = order
            self.pi = pi
            self.designWeight = designWeight
            self.status = status
        }
    }

    // MARK: design and areas

    public func design(campaignId: Int, on sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("SELECT document FROM sampling_designs WHERE campaign_id = \(bind: campaignId)").first()?.decode(column: "document", as: String.self)
    }

    public func saveDesign(campaignId: Int, document: String, userId: Int?, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM sampling_designs WHERE campaign_id = \(bind: campaignId)").run()
        try await sql.raw("""
            INSERT INTO sampling_designs (campaign_id, document, updated_by, updated_at)
            VALUES (\(bind: campaignId), \(bind: document), \(bind: userId), \(bind: Timestamp.now()))
            """).run()
    }

    public func areas(campaignId: Int, on sql: any SQLDatabase) async throws -> [(fileName: String, content: String)] {
        try await sql.raw("SELECT file_name, content FROM sampling_areas WHERE campaign_id = \(bind: campaignId) ORDER BY stage_order").all().map {
            (try $0.decode(column: "file_name", as: String.self), try $0.decode(column: "content", as: String.self))
        }
    }

    public func saveAreas(campaignId: Int, files: [(fileName: String, content: String)], on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM sampling_areas WHERE campaign_id = \(bind: campaignId)").run()
        for (order, file) in files.enumerated() {
            try await sql.raw("""
                INSERT INTO sampling_areas (campaign_id, stage_order, file_name, content)
                VALUES (\(bind: campaignId), \(bind: order), \(bind: file.fileName), \(bind: file.content))
                """).run()
        }
    }

    // MARK: draws

    public func draws(campaignId: Int, on sql: any SQLDatabase) async throws -> [Draw] {
        try await sql.raw("""
            SELECT id, campaign_id, frame_id, number, seed, record, is_final, reason, drawn_by, drawn_at
            FROM sampling_draws WHERE campaign_id = \(bind: campaignId) ORDER BY number
            """).all().map(Self.draw)
    }

    static func draw(_ r: any SQLRow) throws -> Draw {
        Draw(id: try r.decode(column: "id", as: Int.self), campaignId: try r.decode(column: "campaign_id", as: Int.self),
             frameId: try r.decode(column: "frame_id", as: Int.self), number: try r.decode(column: "number", as: Int.self),
             seed: try r.decode(column: "seed", as: String.self), record: try r.decode(column: "record", as: String.self),
             isFinal: try r.decode(column: "is_final", as: Int.self) == 1, reason: try r.decode(column: "reason", as: String?.self),
             drawnBy: try r.decode(column: "drawn_by", as: Int?.self), drawnAt: try r.decode(column: "drawn_at", as: String.self))
    }

    /// The draw file or the draw projection of a draw.
    public func drawFile(drawId: Int, projection: Bool, on sql: any SQLDatabase) async throws -> String? {
        let column = projection ? "projection_csv" : "draw_csv"
        return try await sql.raw("SELECT \(unsafeRaw: column) AS body FROM sampling_draws WHERE id = \(bind: drawId)").first()?.decode(column: "body", as: String.self)
    }

    /// Stores a draw as the campaign's final one (earlier draws stay, no longer final).
    public func insertDraw(campaignId: Int, frameId: Int, seed: String, record: String, drawCSV: String, projectionCSV: String,
                           reason: String?, userId: Int?, drawnAt: String, on sql: any SQLDatabase) async throws -> Draw {
        let number = (try await sql.raw("SELECT MAX(number) AS n FROM sampling_draws WHERE campaign_id = \(bind: campaignId)").first()?
            .decode(column: "n", as: Int?.self) ?? 0) + 1
        try await sql.raw("UPDATE sampling_draws SET is_final = 0 WHERE campaign_id = \(bind: campaignId)").run()
        guard let row = try await sql.raw("""
            INSERT INTO sampling_draws (campaign_id, frame_id, number, seed, record, draw_csv, projection_csv, is_final, reason, drawn_by, drawn_at)
            VALUES (\(bind: campaignId), \(bind: frameId), \(bind: number), \(bind: seed), \(bind: record), \(bind: drawCSV), \(bind: projectionCSV),
                    1, \(bind: reason), \(bind: userId), \(bind: drawnAt))
            RETURNING id, campaign_id, frame_id, number, seed, record, is_final, reason, drawn_by, drawn_at
            """).first() else { throw DatabaseError.migration("insert returned no id") }
        return try Self.draw(row)
    }

    // MARK: cases

    public func replaceCases(_ cases: [CaseRow], campaignId: Int, drawId: Int, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM cases WHERE campaign_id = \(bind: campaignId)").run()
        let insert = BulkInsert(table: "cases", columns: [
            ("number", .integer), ("code", .text), ("frame_key", .text), ("unit_id", .integer),
            ("stratum", .text), ("first_stratum", .text), ("psu", .text), ("role", .text), ("draw_order", .integer), ("pi", .real),
            ("design_weight", .real), ("status", .text),
        ], fixed: [("campaign_id", .integer(campaignId)), ("draw_id", .integer(drawId))])
        try await insert.run(cases.map { c in
            [.integer(c.number), .text(c.code), .text(c.frameKey), .integer(c.unitId), .text(c.stratum),
             .text(c.firstStratum), .text(c.psu), .text(c.role), .integer(c.order), .real(c.pi), .real(c.designWeight), .text(c.status)]
        }, on: sql)
    }

    public func cases(campaignId: Int, limit: Int, offset: Int, on sql: any SQLDatabase) async throws -> [CaseRow] {
        try await sql.raw("""
            SELECT number, code, frame_key, unit_id, stratum, first_stratum, psu, role, draw_order, pi, design_weight, status
            FROM cases WHERE campaign_id = \(bind: campaignId) ORDER BY stratum, draw_order LIMIT \(bind: limit) OFFSET \(bind: offset)
            """).all().map(Self.caseRow)
    }

    public func caseCount(campaignId: Int, on sql: any SQLDatabase) async throws -> (sample: Int, reserve: Int) {
        let rows = try await sql.raw("SELECT role, COUNT(*) AS n FROM cases WHERE campaign_id = \(bind: campaignId) GROUP BY role").all()
        var sample = 0, reserve = 0
        for row in rows {
            let n = try row.decode(column: "n", as: Int.self)
            if try row.decode(column: "role", as: String.self) == "reserve" { reserve += n } else { sample += n }
        }
        return (sample, reserve)
    }

    public func caseByCode(campaignId: Int, code: String, on sql: any SQLDatabase) async throws -> CaseRow? {
        try await sql.raw("""
            SELECT number, code, frame_key, unit_id, stratum, first_stratum, psu, role, draw_order, pi, design_weight, status
            FROM cases WHERE campaign_id = \(bind: campaignId) AND code = \(bind: code)
            """).first().map(Self.caseRow)
    }

    static func caseRow(_ r: any SQLRow) throws -> CaseRow {
        CaseRow(number: try r.decode(column: "number", as: Int.self), code: try r.decode(column: "code", as: String.self),
                frameKey: try r.decode(column: "frame_key", as: String.self), unitId: try r.decode(column: "unit_id", as: Int.self),
                stratum: try r.decode(column: "stratum", as: String.self), firstStratum: try r.decode(column: "first_stratum", as: String.self),
                psu: try r.decode(column: "psu", as: String?.self), role: try r.decode(column: "role", as: String.self),
                order: try r.decode(column: "draw_order", as: Int.self), pi: try r.decode(column: "pi", as: Double.self),
                designWeight: try r.decode(column: "design_weight", as: Double.self), status: try r.decode(column: "status", as: String.self))
    }
}
