import Foundation
import SIPASCore
import SQLKit

/// Paper forms keyed twice: the form received for a case, each keying's answers (sealed by the
/// caller: free text may name people), and the supervisor's decision on each field that differed.
public struct EntryRepository: Sendable {
    public init() {}

    /// `keyed-once`, `differs` (two keyings disagree), `verified` (stored as a response).
    public struct Form: Sendable, Equatable {
        public var caseNumber: Int
        public var receivedOn: String
        public var status: String
        public var responseId: String?
    }

    public struct Keying: Sendable, Equatable {
        public var caseNumber: Int
        public var pass: Int
        public var keyerId: Int
        /// Sealed answers.
        public var answers: String
        public var keyedAt: String

        public init(caseNumber: Int, pass: Int, keyerId: Int, answers: String, keyedAt: String) {
            self.caseNumber = caseNumber
            self.pass = pass
            self.keyerId = keyerId
            self.answers = answers
            self.keyedAt = keyedAt
        }
    }

    public func form(campaignId: Int, caseNumber: Int, on sql: any SQLDatabase) async throws -> Form? {
        try await sql.raw("""
            SELECT case_number, received_on, status, response_id FROM entry_forms WHERE campaign_id = \(bind: campaignId) AND case_number = \(bind: caseNumber)
            """).first().map(Self.form)
    }

    public func forms(campaignId: Int, status: String? = nil, on sql: any SQLDatabase) async throws -> [Form] {
        var query = SQLQueryString("SELECT case_number, received_on, status, response_id FROM entry_forms WHERE campaign_id = \(bind: campaignId)")
        if let status { query.appendInterpolation(unsafeRaw: " AND status = "); query.appendInterpolation(bind: status) }
        query.appendInterpolation(unsafeRaw: " ORDER BY case_number")
        return try await sql.raw(query).all().map(Self.form)
    }

    static func form(_ row: any SQLRow) throws -> Form {
        Form(caseNumber: try row.decode(column: "case_number", as: Int.self), receivedOn: try row.decode(column: "received_on", as: String.self),
             status: try row.decode(column: "status", as: String.self), responseId: try row.decode(column: "response_id", as: String?.self))
    }

    public func keyings(campaignId: Int, caseNumber: Int? = nil, on sql: any SQLDatabase) async throws -> [Keying] {
        var query = SQLQueryString("SELECT case_number, pass, keyer_id, answers, keyed_at FROM keyings WHERE campaign_id = \(bind: campaignId)")
        if let caseNumber { query.appendInterpolation(unsafeRaw: " AND case_number = "); query.appendInterpolation(bind: caseNumber) }
        query.appendInterpolation(unsafeRaw: " ORDER BY case_number, pass")
        return try await sql.raw(query).all().map {
            Keying(caseNumber: try $0.decode(column: "case_number", as: Int.self), pass: try $0.decode(column: "pass", as: Int.self),
                   keyerId: try $0.decode(column: "keyer_id", as: Int.self), answers: try $0.decode(column: "answers", as: String.self),
                   keyedAt: try $0.decode(column: "keyed_at", as: String.self))
        }
    }

    public func addKeying(campaignId: Int, _ k: Keying, receivedOn: String, status: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO keyings (campaign_id, case_number, pass, keyer_id, answers, keyed_at)
            VALUES (\(bind: campaignId), \(bind: k.caseNumber), \(bind: k.pass), \(bind: k.keyerId), \(bind: k.answers), \(bind: k.keyedAt))
            """).run()
        if k.pass == 1 {
            try await sql.raw("""
                INSERT INTO entry_forms (campaign_id, case_number, received_on, status) VALUES (\(bind: campaignId), \(bind: k.caseNumber), \(bind: receivedOn), \(bind: status))
                """).run()
        } else {
            try await setStatus(campaignId: campaignId, caseNumber: k.caseNumber, status: status, responseId: nil, on: sql)
        }
    }

    public func setStatus(campaignId: Int, caseNumber: Int, status: String, responseId: String?, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE entry_forms SET status = \(bind: status), response_id = COALESCE(\(bind: responseId), response_id)
            WHERE campaign_id = \(bind: campaignId) AND case_number = \(bind: caseNumber)
            """).run()
    }

    public struct Decision: Sendable, Equatable {
        public var caseNumber: Int
        public var item: String
        /// Sealed value.
        public var value: String
        public var decidedBy: Int

        public init(caseNumber: Int, item: String, value: String, decidedBy: Int) {
            self.caseNumber = caseNumber
            self.item = item
            self.value = value
            self.decidedBy = decidedBy
        }
    }

    public func addDecisions(campaignId: Int, _ decisions: [Decision], on sql: any SQLDatabase) async throws {
        let now = Timestamp.now()
        for d in decisions {
            try await sql.raw("""
                INSERT INTO keying_decisions (campaign_id, case_number, item, value, decided_by, decided_at)
                VALUES (\(bind: campaignId), \(bind: d.caseNumber), \(bind: d.item), \(bind: d.value), \(bind: d.decidedBy), \(bind: now))
                """).run()
        }
    }

    public func decisions(campaignId: Int, on sql: any SQLDatabase) async throws -> [Decision] {
        try await sql.raw("SELECT case_number, item, value, decided_by FROM keying_decisions WHERE campaign_id = \(bind: campaignId) ORDER BY case_number, item").all().map {
            Decision(caseNumber: try $0.decode(column: "case_number", as: Int.self), item: try $0.decode(column: "item", as: String.self),
                     value: try $0.decode(column: "value", as: String.self), decidedBy: try $0.decode(column: "decided_by", as: Int.self))
        }
    }
}
