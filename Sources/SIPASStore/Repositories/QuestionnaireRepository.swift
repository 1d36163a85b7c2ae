import Foundation
import SIPASCore
import SIPASFormats
import SQLKit

/// Questionnaire versions. A version a campaign uses is immutable: edits make a new version.
public struct QuestionnaireRepository: Sendable {
    public struct Stored: Sendable {
        public var id: Int
        public var questionnaire: Questionnaire
        /// What reading responses needs, built once per cached version.
        public var schema: ResponsesSchema
        /// Its wishes, and the schema that decodes stored answers for them; nil when it asks none.
        public var wishes: (plan: WishesPlan, schema: ResponsesSchema)?
        /// The unit whose administrators may version it; nil for national questionnaires.
        public var ownerUnitId: Int?
        /// Shipped with the program (the national questionnaires): read-only.
        public var builtin: Bool

        init(id: Int, questionnaire: Questionnaire, ownerUnitId: Int?, builtin: Bool) {
            self.id = id
            self.questionnaire = questionnaire
            schema = ResponsesSchema(questionnaire)
            wishes = WishesPlan(questionnaire).map { ($0, ResponsesSchema($0.questionnaire, multiOptions: $0.multiOptions)) }
            self.ownerUnitId = ownerUnitId
            self.builtin = builtin
        }
    }

    let db: Database
    /// Parsed questionnaires by row id: every response submission needs its campaign's, and a
    /// version in use never changes. `replace` (unused versions only) drops the entry.
    let cache: QuestionnaireCache

    public init(_ db: Database) {
        self.db = db
        cache = db.questionnaireCache
    }

    /// Stores the built-in national questionnaires once.
    /// Returns the ids of the built-ins it stored.
    @discardableResult
    public func ensureBuiltins(on sql: any SQLDatabase) async throws -> [Int] {
        var stored: [Int] = []
        for id in BuiltinQuestionnaires.ids {
            guard let q = BuiltinQuestionnaires.load(id: id) else { continue }
            if try await find(code: q.id, version: q.version, on: sql) == nil {
                stored.append(try await insert(q, ownerUnitId: nil, builtin: true, on: sql).id)
            } else {
                try await sql.raw("UPDATE questionnaires SET builtin = 1 WHERE code = \(bind: q.id) AND version = \(bind: q.version) AND builtin = 0").run()
            }
        }
        return stored
    }

    public func insert(_ q: Questionnaire, ownerUnitId: Int?, builtin: Bool = false, on sql: any SQLDatabase) async throws -> Stored {
        let row = try await sql.raw("""
            INSERT INTO questionnaires (code, version, title, document, created_at, owner_unit_id, builtin)
            VALUES (\(bind: q.id), \(bind: q.version), \(bind: q.title), \(bind: QuestionnaireWriter.write(q, as: .yaml)), \(bind: Timestamp.now()),
                    \(bind: ownerUnitId), \(bind: builtin ? 1 : 0))
            RETURNING id
            """).first()
        return Stored(id: try row!.decode(column: "id", as: Int.self), questionnaire: q, ownerUnitId: ownerUnitId, builtin: builtin)
    }

    static let columns = "id, document, owner_unit_id, builtin"

    static func decode(_ row: any SQLRow) throws -> Stored {
        let document = try row.decode(column: "document", as: String.self)
        return Stored(id: try row.decode(column: "id", as: Int.self), questionnaire: try QuestionnaireReader.read(document),
                      ownerUnitId: try row.decode(column: "owner_unit_id", as: Int?.self),
                      builtin: try row.decode(column: "builtin", as: Int.self) != 0)
    }

    /// A version by code, whatever the code's case.
    public func find(code: String, version: Int, on sql: any SQLDatabase) async throws -> Stored? {
        try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM questionnaires WHERE lower(code) = lower(\(bind: code)) AND version = \(bind: version)")
            .first().map(Self.decode)
    }

    /// Any version of a code (the owner of a code is that of its versions).
    public func anyVersion(code: String, on sql: any SQLDatabase) async throws -> Stored? {
        try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM questionnaires WHERE lower(code) = lower(\(bind: code)) ORDER BY version LIMIT 1")
            .first().map(Self.decode)
    }

    public func find(id: Int, on sql: any SQLDatabase) async throws -> Stored? {
        if let cached = cache.get(id) { return cached }
        let stored = try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM questionnaires WHERE id = \(bind: id)").first().map(Self.decode)
        if let stored { cache.set(id, stored) }
        return stored
    }

    public struct Summary: Sendable, Encodable {
        public var id: Int
        public var code: String
        public var version: Int
        public var title: String
        public var used: Bool
        public var builtin: Bool
        public var ownerUnitId: Int?
    }

    public func list(on sql: any SQLDatabase) async throws -> [Summary] {
        try await sql.raw("""
            SELECT q.id, q.code, q.version, q.title, q.builtin, q.owner_unit_id,
                   EXISTS (SELECT 1 FROM campaigns c WHERE c.questionnaire_id = q.id) AS used
            FROM questionnaires q ORDER BY q.code, q.version
            """).all().map { row in
            Summary(id: try row.decode(column: "id", as: Int.self), code: try row.decode(column: "code", as: String.self),
                    version: try row.decode(column: "version", as: Int.self), title: try row.decode(column: "title", as: String.self),
                    used: try row.decode(column: "used", as: Bool.self), builtin: try row.decode(column: "builtin", as: Int.self) != 0,
                    ownerUnitId: try row.decode(column: "owner_unit_id", as: Int?.self))
        }
    }

    public func isUsed(id: Int, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT COUNT(*) AS n FROM campaigns WHERE questionnaire_id = \(bind: id)").first()!
            .decode(column: "n", as: Int.self) > 0
    }

    public func replace(id: Int, with q: Questionnaire, on sql: any SQLDatabase) async throws {
        cache.remove(id)
        try await sql.raw("""
            UPDATE questionnaires SET title = \(bind: q.title), document = \(bind: QuestionnaireWriter.write(q, as: .yaml))
            WHERE id = \(bind: id)
            """).run()
    }
}

import Synchronization

/// Parsed questionnaires of one database (held by the `Database`).
public final class QuestionnaireCache: Sendable {
    private let entries = Mutex<[Int: QuestionnaireRepository.Stored]>([:])

    func get(_ id: Int) -> QuestionnaireRepository.Stored? { entries.withLock { $0[id] } }
    func set(_ id: Int, _ stored: QuestionnaireRepository.Stored) { entries.withLock { $0[id] = stored } }
    func remove(_ id: Int) { entries.withLock { _ = $0.removeValue(forKey: id) } }
}
