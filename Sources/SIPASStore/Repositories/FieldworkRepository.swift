import Foundation
import SIPASCore
import SQLKit

/// The fieldwork on a draw's cases: post offices, who holds each case, its disposition, released
/// reserves, re-checks, and every change as an event. Cases are addressed by code (indexed); a
/// case's status is `drawn` until someone is given it, then a §10 disposition.
public struct FieldworkRepository: Sendable {
    public init() {}

    // MARK: Post offices

    public struct PostOffice: Sendable, Equatable {
        public var id: Int
        public var name: String
        public var scopeUnitId: Int
    }

    public func addPostOffice(name: String, scopeUnitId: Int, on sql: any SQLDatabase) async throws -> PostOffice {
        let row = try await sql.raw("""
            INSERT INTO post_offices (name, scope_unit_id, created_at) VALUES (\(bind: name), \(bind: scopeUnitId), \(bind: Timestamp.now()))
            RETURNING id
            """).first()!
        return PostOffice(id: try row.decode(column: "id", as: Int.self), name: name, scopeUnitId: scopeUnitId)
    }

    public func postOffices(on sql: any SQLDatabase) async throws -> [PostOffice] {
        try await sql.raw("SELECT id, name, scope_unit_id FROM post_offices ORDER BY name, id").all().map(Self.postOffice)
    }

    public func postOffice(id: Int, on sql: any SQLDatabase) async throws -> PostOffice? {
        try await sql.raw("SELECT id, name, scope_unit_id FROM post_offices WHERE id = \(bind: id)").first().map(Self.postOffice)
    }

    static func postOffice(_ row: any SQLRow) throws -> PostOffice {
        PostOffice(id: try row.decode(column: "id", as: Int.self), name: try row.decode(column: "name", as: String.self),
                   scopeUnitId: try row.decode(column: "scope_unit_id", as: Int.self))
    }

    /// The accounts of a post office (enumerators and its supervisor).
    public func members(postOfficeId: Int, on sql: any SQLDatabase) async throws -> [User] {
        try await sql.raw("SELECT \(unsafeRaw: UserRepository.columns) FROM users WHERE post_office_id = \(bind: postOfficeId) ORDER BY username")
            .all().map(UserRepository.decode)
    }

    /// Every account that belongs to a post office.
    public func fieldAccounts(on sql: any SQLDatabase) async throws -> [User] {
        try await sql.raw("SELECT \(unsafeRaw: UserRepository.columns) FROM users WHERE post_office_id IS NOT NULL ORDER BY username")
            .all().map(UserRepository.decode)
    }

    // MARK: Cases

    public struct FieldCase: Sendable, Equatable {
        public var number: Int
        public var code: String
        public var frameKey: String
        public var unitId: Int
        public var stratum: String
        public var firstStratum: String
        public var psu: String?
        public var role: String
        public var order: Int
        public var designWeight: Double
        public var drawId: Int
        /// `drawn` (nobody holds it yet) or a disposition's raw value.
        public var status: String
        public var enumeratorId: Int?
        public var dispositionOn: String?
        /// A released reserve: the case it replaces.
        public var releasedFor: Int?
        public var recheck: String?
        public var recheckDecision: String?

        public var disposition: Disposition? { Disposition(rawValue: status) }
        public var isReserve: Bool { role == "reserve" }
        /// In the fieldwork: a sampled case, or a reserve once released.
        public var isActive: Bool { !isReserve || releasedFor != nil }
    }

    static let caseColumns = """
        number, code, frame_key, unit_id, stratum, first_stratum, psu, role, draw_order, design_weight, draw_id, status, enumerator_id,
        disposition_on, released_for, recheck, recheck_decision
        """

    static func fieldCase(_ row: any SQLRow) throws -> FieldCase {
        FieldCase(number: try row.decode(column: "number", as: Int.self), code: try row.decode(column: "code", as: String.self),
                  frameKey: try row.decode(column: "frame_key", as: String.self), unitId: try row.decode(column: "unit_id", as: Int.self),
                  stratum: try row.decode(column: "stratum", as: String.self), firstStratum: try row.decode(column: "first_stratum", as: String.self),
                  psu: try row.decode(column: "psu", as: String?.self), role: try row.decode(column: "role", as: String.self),
                  order: try row.decode(column: "draw_order", as: Int.self), designWeight: try row.decode(column: "design_weight", as: Double.self),
                  drawId: try row.decode(column: "draw_id", as: Int.self), status: try row.decode(column: "status", as: String.self),
                  enumeratorId: try row.decode(column: "enumerator_id", as: Int?.self),
                  dispositionOn: try row.decode(column: "disposition_on", as: String?.self),
                  releasedFor: try row.decode(column: "released_for", as: Int?.self), recheck: try row.decode(column: "recheck", as: String?.self),
                  recheckDecision: try row.decode(column: "recheck_decision", as: String?.self))
    }

    public func fieldCase(campaignId: Int, code: String, on sql: any SQLDatabase) async throws -> FieldCase? {
        try await sql.raw("SELECT \(unsafeRaw: Self.caseColumns) FROM cases WHERE campaign_id = \(bind: campaignId) AND code = \(bind: code)")
            .first().map(Self.fieldCase)
    }

    public func fieldCase(campaignId: Int, number: Int, on sql: any SQLDatabase) async throws -> FieldCase? {
        try await fieldCase(campaignId: campaignId, code: CaseCode(number: number).description, on: sql)
    }

    /// The cases in the fieldwork (sampled, and reserves released), optionally one enumerator's
    /// or several's, in unit then draw order.
    public func activeCases(campaignId: Int, enumeratorIds: [Int]? = nil, on sql: any SQLDatabase) async throws -> [FieldCase] {
        var query = SQLQueryString("SELECT \(unsafeRaw: Self.caseColumns) FROM cases WHERE campaign_id = \(bind: campaignId) AND (role = 'sample' OR released_for IS NOT NULL)")
        if let enumeratorIds {
            guard !enumeratorIds.isEmpty else { return [] }
            query.appendInterpolation(unsafeRaw: " AND enumerator_id IN (")
            for (i, id) in enumeratorIds.enumerated() {
                if i > 0 { query.appendInterpolation(unsafeRaw: ", ") }
                query.appendInterpolation(bind: id)
            }
            query.appendInterpolation(unsafeRaw: ")")
        }
        query.appendInterpolation(unsafeRaw: " ORDER BY unit_id, stratum, role DESC, draw_order")
        return try await sql.raw(query).all().map(Self.fieldCase)
    }

    /// Every case of the campaign, reserves included.
    public func allCases(campaignId: Int, on sql: any SQLDatabase) async throws -> [FieldCase] {
        try await sql.raw("SELECT \(unsafeRaw: Self.caseColumns) FROM cases WHERE campaign_id = \(bind: campaignId)").all().map(Self.fieldCase)
    }

    /// Gives cases to an enumerator: a case nobody held becomes `assigned`; one already held keeps its disposition.
    public func assign(campaignId: Int, codes: [String], to enumeratorId: Int, on sql: any SQLDatabase) async throws {
        try await Self.inChunks(codes, "UPDATE cases SET enumerator_id = \(bind: enumeratorId), status = CASE WHEN status = 'drawn' THEN 'assigned' ELSE status END, disposition_on = CASE WHEN status = 'drawn' THEN \(bind: Self.today()) ELSE disposition_on END WHERE campaign_id = \(bind: campaignId) AND code IN (", on: sql)
    }

    /// Moves a case from `from` to `to`, only if it is still there (false: it changed meanwhile).
    public func setDisposition(campaignId: Int, code: String, from: String, to: String, on date: String, sql: any SQLDatabase) async throws -> Bool {
        let rows = try await sql.raw("""
            UPDATE cases SET status = \(bind: to), disposition_on = \(bind: date)
            WHERE campaign_id = \(bind: campaignId) AND code = \(bind: code) AND status = \(bind: from) RETURNING number
            """).all()
        return rows.count == 1
    }

    /// The next reserve of a stratum in draw order, not yet released.
    public func nextReserve(campaignId: Int, drawId: Int, stratum: String, on sql: any SQLDatabase) async throws -> FieldCase? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.caseColumns) FROM cases
            WHERE draw_id = \(bind: drawId) AND stratum = \(bind: stratum) AND role = 'reserve' AND released_for IS NULL AND campaign_id = \(bind: campaignId)
            ORDER BY draw_order LIMIT 1
            """).first().map(Self.fieldCase)
    }

    /// Releases a reserve in place of case `number`, given at once to `enumeratorId` (if any).
    public func release(campaignId: Int, reserve code: String, for number: Int, to enumeratorId: Int?, on sql: any SQLDatabase) async throws -> Bool {
        let status = enumeratorId == nil ? "drawn" : "assigned"
        let rows = try await sql.raw("""
            UPDATE cases SET released_for = \(bind: number), enumerator_id = \(bind: enumeratorId), status = \(bind: status), disposition_on = \(bind: Self.today())
            WHERE campaign_id = \(bind: campaignId) AND code = \(bind: code) AND released_for IS NULL RETURNING number
            """).all()
        return rows.count == 1
    }

    public func setRecheck(campaignId: Int, code: String, to value: String?, decision: String?, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE cases SET recheck = \(bind: value), recheck_decision = \(bind: decision) WHERE campaign_id = \(bind: campaignId) AND code = \(bind: code)
            """).run()
    }

    /// Whether any case of the campaign was given to someone or otherwise worked on — a form keyed,
    /// a reserve released (sealed: `FieldworkSeal`): a redraw would take it away.
    public func anyWorkedOn(campaignId: Int, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT 1 AS x FROM cases WHERE campaign_id = \(bind: campaignId) AND (enumerator_id IS NOT NULL OR seal IS NOT NULL) LIMIT 1").first() != nil
    }

    // MARK: Events

    public struct Event: Sendable, Equatable {
        public var caseNumber: Int
        /// `assignment`, `disposition`, `release`, `recheck`, `decision`, `check` (`checkEvent`).
        public var kind: String
        public var value: String
        public var occurredOn: String
        public var reason: String?
        public var userId: Int?
        public var recordedAt: String

        public init(caseNumber: Int, kind: String, value: String, occurredOn: String, reason: String?, userId: Int?, recordedAt: String = Timestamp.now()) {
            self.caseNumber = caseNumber
            self.kind = kind
            self.value = value
            self.occurredOn = occurredOn
            self.reason = reason
            self.userId = userId
            self.recordedAt = recordedAt
        }
    }

    public func addEvents(_ events: [Event], campaignId: Int, on sql: any SQLDatabase) async throws {
        let insert = BulkInsert(table: "case_events", columns: [
            ("case_number", .integer), ("kind", .text), ("value", .text), ("occurred_on", .text), ("reason", .text), ("user_id", .integer),
            ("recorded_at", .text),
        ], fixed: [("campaign_id", .integer(campaignId))])
        try await insert.run(events.map { e in
            [.integer(e.caseNumber), .text(e.kind), .text(e.value), .text(e.occurredOn), .text(e.reason), .text(e.userId.map(String.init)), .text(e.recordedAt)]
        }, on: sql)
    }

    public func events(campaignId: Int, caseNumber: Int, on sql: any SQLDatabase) async throws -> [Event] {
        try await sql.raw("""
            SELECT case_number, kind, value, occurred_on, reason, user_id, recorded_at FROM case_events
            WHERE campaign_id = \(bind: campaignId) AND case_number = \(bind: caseNumber) ORDER BY id
            """).all().map(Self.event)
    }

    /// When each of these cases was delivered and collected, from their history (number → disposition → day).
    public func dispositionDates(campaignId: Int, numbers: [Int], on sql: any SQLDatabase) async throws -> [Int: [String: String]] {
        var out: [Int: [String: String]] = [:]
        try await Self.inChunks(numbers, "SELECT case_number, value, occurred_on FROM case_events WHERE campaign_id = \(bind: campaignId) AND kind = 'disposition' AND case_number IN (",
                                suffix: ") ORDER BY id", on: sql) { row in
            out[try row.decode(column: "case_number", as: Int.self), default: [:]][try row.decode(column: "value", as: String.self)] = try row.decode(column: "occurred_on", as: String.self)
        }
        return out
    }

    /// The event kind of a response that arrived for a case recorded as a non-response (its value:
    /// that non-response), written by the application alone.
    public static let checkEvent = "check"

    /// Cases whose response arrived after the enumerator had recorded a non-response (to check).
    public func collectedAfterNonResponse(campaignId: Int, on sql: any SQLDatabase) async throws -> [Int] {
        try await sql.raw("""
            SELECT DISTINCT case_number FROM case_events WHERE campaign_id = \(bind: campaignId) AND kind = \(bind: Self.checkEvent) ORDER BY case_number
            """).all().map { try $0.decode(column: "case_number", as: Int.self) }
    }

    /// Dispositions recorded per day (the progress chart).
    public func dispositionsPerDay(campaignId: Int, on sql: any SQLDatabase) async throws -> [(day: String, value: String, count: Int)] {
        try await sql.raw("""
            SELECT occurred_on, value, COUNT(*) AS n FROM case_events WHERE campaign_id = \(bind: campaignId) AND kind = 'disposition'
            GROUP BY occurred_on, value ORDER BY occurred_on
            """).all().map { (try $0.decode(column: "occurred_on", as: String.self), try $0.decode(column: "value", as: String.self),
                              try $0.decode(column: "n", as: Int.self)) }
    }

    static func event(_ row: any SQLRow) throws -> Event {
        Event(caseNumber: try row.decode(column: "case_number", as: Int.self), kind: try row.decode(column: "kind", as: String.self),
              value: try row.decode(column: "value", as: String.self), occurredOn: try row.decode(column: "occurred_on", as: String.self),
              reason: try row.decode(column: "reason", as: String?.self), userId: try row.decode(column: "user_id", as: Int?.self),
              recordedAt: try row.decode(column: "recorded_at", as: String.self))
    }

    // MARK: Progress

    /// Changes whenever a case of the campaign changes (every change is an event) or it is drawn again.
    public func version(campaignId: Int, on sql: any SQLDatabase) async throws -> String {
        let row = try await sql.raw("""
            SELECT (SELECT MAX(id) FROM case_events WHERE campaign_id = \(bind: campaignId)) AS e,
                   (SELECT MAX(id) FROM sampling_draws WHERE campaign_id = \(bind: campaignId)) AS d
            """).first()
        let events = try row?.decode(column: "e", as: Int?.self) ?? 0, draws = try row?.decode(column: "d", as: Int?.self) ?? 0
        return "\(events)/\(draws)"
    }

    /// Active cases counted by a grouping column, status and role (one row per combination).
    public enum Grouping: String, Sendable { case unit = "unit_id", enumerator = "enumerator_id", stratum = "stratum" }

    public struct GroupCount: Sendable {
        public var key: String?
        public var status: String
        public var sampled: Bool
        public var count: Int
    }

    public func groupCounts(campaignId: Int, by grouping: Grouping, on sql: any SQLDatabase) async throws -> [GroupCount] {
        try await sql.raw("""
            SELECT CAST(\(unsafeRaw: grouping.rawValue) AS TEXT) AS k, status, role, COUNT(*) AS n FROM cases
            WHERE campaign_id = \(bind: campaignId) AND (role = 'sample' OR released_for IS NOT NULL)
            GROUP BY \(unsafeRaw: grouping.rawValue), status, role
            """).all().map {
                GroupCount(key: try $0.decode(column: "k", as: String?.self), status: try $0.decode(column: "status", as: String.self),
                           sampled: try $0.decode(column: "role", as: String.self) == "sample", count: try $0.decode(column: "n", as: Int.self))
            }
    }

    // MARK: Contacts

    /// Copies the sealed contacts of these cases (frame key → case number) from the frame's chunks.
    public func copyContacts(frameId: Int, campaignId: Int, cases: [String: Int], on sql: any SQLDatabase) async throws {
        guard !cases.isEmpty else { return }
        let existing = Set(try await sql.raw("SELECT case_number FROM case_contacts WHERE campaign_id = \(bind: campaignId)").all()
            .map { try $0.decode(column: "case_number", as: Int.self) })
        let wanted = cases.filter { !existing.contains($0.value) }
        guard !wanted.isEmpty else { return }
        var found: [(Int, String)] = []
        let chunks = try await sql.raw("SELECT content, contacts FROM sampling_frame_chunks WHERE frame_id = \(bind: frameId) ORDER BY chunk").all()
        for chunk in chunks {
            let content = try chunk.decode(column: "content", as: String.self)
            let contacts = FrameChunk.contacts(try chunk.decode(column: "contacts", as: String.self))
            var i = 0
            try FrameChunk.forEachRecord(content) { fields in
                defer { i += 1 }
                let head = try FrameChunk.head(fields)
                if let number = wanted[head.key], i < contacts.count, let sealed = contacts[i] { found.append((number, sealed)) }
            }
        }
        let insert = BulkInsert(table: "case_contacts", columns: [("case_number", .integer), ("sealed", .text)],
                                fixed: [("campaign_id", .integer(campaignId))])
        try await insert.run(found.map { [.integer($0.0), .text($0.1)] }, on: sql)
    }

    /// The sealed contacts of these cases (number → sealed text).
    public func contacts(campaignId: Int, numbers: [Int], on sql: any SQLDatabase) async throws -> [Int: String] {
        guard !numbers.isEmpty else { return [:] }
        var out: [Int: String] = [:]
        try await Self.inChunks(numbers, "SELECT case_number, sealed FROM case_contacts WHERE campaign_id = \(bind: campaignId) AND case_number IN (", on: sql) { row in
            out[try row.decode(column: "case_number", as: Int.self)] = try row.decode(column: "sealed", as: String.self)
        }
        return out
    }

    // MARK: Responses

    /// Case number → response id, among these cases.
    public func responsesOfCases(campaignId: Int, numbers: [Int], on sql: any SQLDatabase) async throws -> [Int: String] {
        var out: [Int: String] = [:]
        try await Self.inChunks(numbers, "SELECT case_number, response_id FROM responses WHERE campaign_id = \(bind: campaignId) AND case_number IN (", on: sql) { row in
            out[try row.decode(column: "case_number", as: Int.self)] = try row.decode(column: "response_id", as: String.self)
        }
        return out
    }

    /// Storage ids of the campaign's responses in order, with their case numbers (nil: no case).
    public func responseCases(campaignId: Int, on sql: any SQLDatabase) async throws -> [(id: Int, caseNumber: Int?)] {
        try await sql.raw("SELECT id, case_number FROM responses WHERE campaign_id = \(bind: campaignId) ORDER BY id").all()
            .map { (try $0.decode(column: "id", as: Int.self), try $0.decode(column: "case_number", as: Int?.self)) }
    }

    public static func today() -> String { String(Timestamp.now().prefix(10)) }

    /// Runs `prefix` + "(v1, v2, …)" for values 400 at a time (a bind limit stays far away), with `suffix` after the list.
    static func inChunks<V: Encodable & Sendable>(_ values: [V], _ prefix: SQLQueryString, suffix: String = ")",
                                                  on sql: any SQLDatabase, _ visit: (any SQLRow) throws -> Void = { _ in }) async throws {
        for start in stride(from: 0, to: values.count, by: 400) {
            var query = prefix
            for (i, value) in values[start..<min(start + 400, values.count)].enumerated() {
                if i > 0 { query.appendInterpolation(unsafeRaw: ", ") }
                query.appendInterpolation(bind: value)
            }
            query.appendInterpolation(unsafeRaw: suffix)
            for row in try await sql.raw(query).all() { try visit(row) }
        }
    }
}
