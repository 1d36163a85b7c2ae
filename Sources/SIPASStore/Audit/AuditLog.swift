import Crypto
import Foundation
import SIPASCore
import SQLKit

/// Append-only record of every state change. Each entry's hash is an HMAC (the key kept outside
/// the database) over its id, its content and the previous entry's hash; ids run 1, 2, 3… and the
/// head is checkpointed outside the database. An edited, inserted, deleted or truncated entry —
/// or a chain recomputed without the key — fails verification.
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
            self.init(userId: userId, actor: actor, action: action, entity: entity, entityId: entityId,
                      beforeDigest: before.map(AuditLog.digest), afterDigest: after.map(AuditLog.digest), detail: detail)
        }

        public init(userId: Int?, actor: String, action: String, entity: String, entityId: String,
                    beforeDigest: String?, afterDigest: String?, detail: String) {
            self.userId = userId
            self.actor = actor
            self.action = action
            self.entity = entity
            self.entityId = entityId
            self.beforeDigest = beforeDigest
            self.afterDigest = afterDigest
            self.detail = detail
        }
    }

    /// Appends entries in order inside the caller's transaction (so a change and its record commit
    /// together) and returns their ids. One read of the chain's end, one insert per 100 entries.
    @discardableResult
    public static func append(_ changes: [Change], on sql: any SQLDatabase, db: Database) async throws -> [Int] {
        guard !changes.isEmpty else { return [] }
        if db.engine == .postgres {
            // Concurrent transactions must not both extend the chain from the same entry.
            try await sql.raw("SELECT pg_advisory_xact_lock(4242)").run()
        }
        var previous = genesis, id = 0
        if let head = Database.pendingEffects?.auditHead.withLock({ $0 }) {
            // Appended earlier in this transaction: nobody else can have appended since (one
            // writer on SQLite, the chain's lock held to commit on PostgreSQL).
            (previous, id) = (head.hash, head.id)
        } else if let last = try await sql.raw("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").first() {
            (previous, id) = (try last.decode(column: "hash", as: String.self), try last.decode(column: "id", as: Int.self))
        }
        let at = Timestamp.now()
        var ids: [Int] = []
        for start in stride(from: 0, to: changes.count, by: 100) {
            var query = SQLQueryString("""
                INSERT INTO audit_log (id, at, user_id, actor, action, entity, entity_id, before_digest, after_digest, detail, previous_hash, hash) VALUES
                """)
            for (i, c) in changes[start..<min(start + 100, changes.count)].enumerated() {
                id += 1
                let hash = chainHash(db.auditSeal, id: id, previous: previous, at: at, userId: c.userId, actor: c.actor, action: c.action,
                                     entity: c.entity, entityId: c.entityId, before: c.beforeDigest, after: c.afterDigest, detail: c.detail)
                query.appendInterpolation(unsafeRaw: i == 0 ? " (" : ", (")
                query.appendInterpolation(bind: id)
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: at)
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: c.userId)
                for value in [c.actor, c.action, c.entity, c.entityId, c.beforeDigest, c.afterDigest, c.detail, previous, hash] {
                    query.appendInterpolation(unsafeRaw: ", ")
                    query.appendInterpolation(bind: value)
                }
                query.appendInterpolation(unsafeRaw: ")")
                previous = hash
                ids.append(id)
                if id == 1 { db.auditSeal.identify(firstHash: hash) }
            }
            try await sql.raw(query).run()
        }
        let head = AuditSeal.Head(id: id, hash: previous)
        if let effects = Database.pendingEffects {
            effects.auditHead.withLock { $0 = head }
        } else {
            db.auditSeal.advance(to: head)
        }
        return ids
    }

    public static func digest(_ text: String) -> String {
        SHA256Hex.of(text)
    }

    static func chainHash(_ seal: AuditSeal, id: Int, previous: String, at: String, userId: Int?, actor: String, action: String,
                          entity: String, entityId: String, before: String?, after: String?, detail: String) -> String {
        seal.mac(contentText(id: id, previous: previous, at: at, userId: userId, actor: actor, action: action, entity: entity,
                             entityId: entityId, before: before, after: after, detail: detail))
    }

    static func contentText(id: Int?, previous: String, at: String, userId: Int?, actor: String, action: String,
                            entity: String, entityId: String, before: String?, after: String?, detail: String) -> String {
        var fields = [previous, at, userId.map(String.init) ?? "", actor, action, entity, entityId, before ?? "", after ?? "", detail]
        if let id { fields.insert(String(id), at: 0) }
        return fields.map { "\($0.utf8.count):\($0)" }.joined()
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

    public struct Filter: Sendable {
        public var entity: String?
        public var action: String?
        public var actor: String?
        public var since: String?
        public var until: String?

        public init(entity: String? = nil, action: String? = nil, actor: String? = nil, since: String? = nil, until: String? = nil) {
            self.entity = entity
            self.action = action
            self.actor = actor
            self.since = since
            self.until = until
        }
    }

    public func list(limit: Int, offset: Int, filter: Filter = Filter()) async throws -> [Entry] {
        try await db.read { sql in
            var query = SQLQueryString("SELECT * FROM audit_log WHERE 1 = 1")
            for (column, value) in [("entity", filter.entity), ("action", filter.action), ("actor", filter.actor)] {
                guard let value else { continue }
                query.appendInterpolation(unsafeRaw: " AND \(column) = ")
                query.appendInterpolation(bind: value)
            }
            if let since = filter.since { query.appendInterpolation(unsafeRaw: " AND at >= "); query.appendInterpolation(bind: since) }
            if let until = filter.until { query.appendInterpolation(unsafeRaw: " AND at < "); query.appendInterpolation(bind: until) }
            query.appendInterpolation(unsafeRaw: " ORDER BY id DESC LIMIT ")
            query.appendInterpolation(bind: limit)
            query.appendInterpolation(unsafeRaw: " OFFSET ")
            query.appendInterpolation(bind: offset)
            return try await sql.raw(query).all().map(Self.decode)
        }
    }
}
