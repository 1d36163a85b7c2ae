import Crypto
import Foundation
import SQLKit

/// Append-only record of every state change, chained by SHA-256: each entry's hash covers its
/// content and the previous entry's hash, so an edited or deleted entry breaks the chain.
public struct AuditLog: Sendable {
    public struct Entry: Sendable, Codable, Equatable {
        public var id: Int
        public var at: String
        public var userId: Int?
        public var actor: String
        public var action: String
        public var entity: String
        public var entityId: String
        public var beforeDigest: String?
        public var afterDigest: String?
        public var detail: String
        public var previousHash: String
        public var hash: String
    }

    public static let genesis = String(repeating: "0", count: 64)
    let db: Database

    public init(_ db: Database) { self.db = db }

    /// A state change to record; `before`/`after` are digested, so the log proves what changed
    /// without copying personal data.
    public struct Change: Sendable {
        public var userId: Int?
        public var actor: String
        public var action: String
        public var entity: String
        public var entityId: String
        public var beforeDigest: String?
        public var afterDigest: String?
        public var detail: String

        public init(userId: Int?, actor: String, action: String, entity: String, entityId: String,
                    before: String? = nil, after: String? = nil, detail: String = "") {
            self.userId = userId
            self.actor = actor
            self.action = action
            self.entity = entity
            self.entityId = entityId
            // Digested here, outside the transaction that records it.
            beforeDigest = before.map(AuditLog.digest)
            afterDigest = after.map(AuditLog.digest)
            self.detail = detail
        }
    }

    /// Appends an entry inside the caller's transaction, so the change and its record commit together.
    public static func append(on sql: any SQLDatabase, engine: Database.Engine, userId: Int?, actor: String, action: String,
                              entity: String, entityId: String, before: String? = nil, after: String? = nil,
                              detail: String = "") async throws {
        try await append([Change(userId: userId, actor: actor, action: action, entity: entity, entityId: entityId,
                                 before: before, after: after, detail: detail)], on: sql, engine: engine)
    }

    /// Appends entries in order inside the caller's transaction (a group commit records each of
    /// its submissions with one read of the chain's end and one insert per 100 entries).
    public static func append(_ changes: [Change], on sql: any SQLDatabase, engine: Database.Engine) async throws {
        guard !changes.isEmpty else { return }
        if engine == .postgres {
            // Concurrent transactions must not both extend the chain from the same entry.
            try await sql.raw("SELECT pg_advisory_xact_lock(4242)").run()
        }
        var previous = try await sql.raw("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").first()?
            .decode(column: "hash", as: String.self) ?? genesis
        let at = Timestamp.now()
        for start in stride(from: 0, to: changes.count, by: 100) {
            var query = SQLQueryString("""
                INSERT INTO audit_log (at, user_id, actor, action, entity, entity_id, before_digest, after_digest, detail, previous_hash, hash) VALUES
                """)
            for (i, c) in changes[start..<min(start + 100, changes.count)].enumerated() {
                let hash = chainHash(previous: previous, at: at, userId: c.userId, actor: c.actor, action: c.action, entity: c.entity,
                                     entityId: c.entityId, before: c.beforeDigest, after: c.afterDigest, detail: c.detail)
                query.appendInterpolation(unsafeRaw: i == 0 ? " (" : ", (")
                query.appendInterpolation(bind: at)
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: c.userId)
                for value in [c.actor, c.action, c.entity, c.entityId, c.beforeDigest, c.afterDigest, c.detail, previous, hash] {
                    query.appendInterpolation(unsafeRaw: ", ")
                    query.appendInterpolation(bind: value)
                }
                query.appendInterpolation(unsafeRaw: ")")
                previous = hash
            }
            try await sql.raw(query).run()
        }
    }

    public static func digest(_ text: String) -> String {
        SHA256Hex.of(text)
    }

    static func chainHash(previous: String, at: String, userId: Int?, actor: String, action: String, entity: String,
                          entityId: String, before: String?, after: String?, detail: String) -> String {
        let fields = [previous, at, userId.map(String.init) ?? "", actor, action, entity, entityId, before ?? "", after ?? "", detail]
        return digest(fields.map { "\($0.utf8.count):\($0)" }.joined())
    }

    static func decode(_ row: any SQLRow) throws -> Entry {
        Entry(id: try row.decode(column: "id", as: Int.self), at: try row.decode(column: "at", as: String.self),
              userId: try row.decode(column: "user_id", as: Int?.self), actor: try row.decode(column: "actor", as: String.self),
              action: try row.decode(column: "action", as: String.self), entity: try row.decode(column: "entity", as: String.self),
              entityId: try row.decode(column: "entity_id", as: String.self),
              beforeDigest: try row.decode(column: "before_digest", as: String?.self),
              afterDigest: try row.decode(column: "after_digest", as: String?.self),
              detail: try row.decode(column: "detail", as: String.self),
              previousHash: try row.decode(column: "previous_hash", as: String.self), hash: try row.decode(column: "hash", as: String.self))
    }

    public func list(limit: Int, offset: Int, entity: String? = nil) async throws -> [Entry] {
        try await db.read { sql in
            var query = SQLQueryString("SELECT * FROM audit_log")
            if let entity { query.appendInterpolation(unsafeRaw: " WHERE entity = "); query.appendInterpolation(bind: entity) }
            query.appendInterpolation(unsafeRaw: " ORDER BY id DESC LIMIT ")
            query.appendInterpolation(bind: limit)
            query.appendInterpolation(unsafeRaw: " OFFSET ")
            query.appendInterpolation(bind: offset)
            return try await sql.raw(query).all().map(Self.decode)
        }
    }

    public struct Verification: Sendable, Equatable {
        public var entries: Int
        /// The first entry whose content or link does not match, if any.
        public var firstBroken: Int?
        public var reason: String?
    }

    /// Recomputes the chain from the first entry.
    public func verify() async throws -> Verification {
        try await db.read { sql in
            var previous = Self.genesis
            var count = 0
            var lastId = 0
            for row in try await sql.raw("SELECT * FROM audit_log ORDER BY id").all() {
                let e = try Self.decode(row)
                count += 1
                if e.previousHash != previous {
                    return Verification(entries: count, firstBroken: e.id, reason: "mục \(e.id) không nối với mục trước (an entry before it was changed or deleted)")
                }
                let expected = Self.chainHash(previous: previous, at: e.at, userId: e.userId, actor: e.actor, action: e.action,
                                              entity: e.entity, entityId: e.entityId, before: e.beforeDigest,
                                              after: e.afterDigest, detail: e.detail)
                if expected != e.hash {
                    return Verification(entries: count, firstBroken: e.id, reason: "nội dung mục \(e.id) đã bị sửa (the entry was edited)")
                }
                if e.id <= lastId { return Verification(entries: count, firstBroken: e.id, reason: "thứ tự bị đảo (ids out of order)") }
                lastId = e.id
                previous = e.hash
            }
            return Verification(entries: count, firstBroken: nil, reason: nil)
        }
    }
}
