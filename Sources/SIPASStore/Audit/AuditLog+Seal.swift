import Foundation
import SIPASCore
import SIPASFormats
import SQLKit

/// Bringing a chain under the key: once, when the key is first made (a chain written by an
/// earlier release, hashed without a key), and the head checkpoint after a restore.
extension AuditLog {
    /// Re-seals a chain written before the key existed, when that chain is intact, and records
    /// the responses and accounts it did not yet vouch for. Runs only in the process that made the
    /// key: later, an unkeyed chain is a forgery and stays reported as one.
    public func sealLegacyChain() async throws -> Int {
        // The chain's name for its head checkpoint, before anything advances it.
        let first = try await db.read { sql in try await sql.raw("SELECT hash FROM audit_log WHERE id = 1").first() }
        if !db.auditSeal.created { db.auditSeal.identify(firstHash: try first?.decode(column: "hash", as: String.self)) }
        guard db.auditSeal.created else { return 0 }
        return try await db.transaction { sql in
            let entries = try await sql.raw("SELECT * FROM audit_log ORDER BY id").all().map(Self.decode)
            var previous = Self.genesis
            for (index, e) in entries.enumerated() {
                let unkeyed = Self.digest(Self.contentText(id: nil, previous: previous, at: e.at, userId: e.userId, actor: e.actor,
                                                           action: e.action, entity: e.entity, entityId: e.entityId,
                                                           before: e.beforeDigest, after: e.afterDigest, detail: e.detail))
                guard e.id == index + 1, e.previousHash == previous, unkeyed == e.hash else { return 0 }
                previous = e.hash
            }
            previous = Self.genesis
            for e in entries {
                let hash = Self.chainHash(db.auditSeal, id: e.id, previous: previous, at: e.at, userId: e.userId, actor: e.actor,
                                          action: e.action, entity: e.entity, entityId: e.entityId, before: e.beforeDigest,
                                          after: e.afterDigest, detail: e.detail)
                try await sql.raw("UPDATE audit_log SET previous_hash = \(bind: previous), hash = \(bind: hash) WHERE id = \(bind: e.id)").run()
                previous = hash
            }
            try await adoptUnrecorded(on: sql)
            if let last = entries.last { db.auditSeal.write(.init(id: last.id, hash: previous)) }
            return entries.count
        }
    }

    /// Records what the log does not vouch for yet: responses stored before imports recorded
    /// their digest, and accounts without a recorded state.
    private func adoptUnrecorded(on sql: any SQLDatabase) async throws {
        let campaigns = try await sql.raw("SELECT DISTINCT campaign_id FROM responses WHERE audit_id IS NULL").all()
            .map { try $0.decode(column: "campaign_id", as: Int.self) }
        for campaign in campaigns {
            var set = StoredSetDigest()
            let rows = try await sql.raw("""
                SELECT response_id, unit_id, channel, stratum, psu, weight, attributes, answers FROM responses
                WHERE campaign_id = \(bind: campaign) AND audit_id IS NULL ORDER BY id
                """).all()
            for row in rows {
                let record = ResponseRepository.Record(
                    responseId: try row.decode(column: "response_id", as: String.self), unitId: try row.decode(column: "unit_id", as: Int?.self),
                    channel: try row.decode(column: "channel", as: String.self), stratum: try row.decode(column: "stratum", as: String?.self),
                    psu: try row.decode(column: "psu", as: String?.self), weight: try row.decode(column: "weight", as: Double?.self),
                    attributes: CSVLine.decodeAttributes(try row.decode(column: "attributes", as: String.self)),
                    answers: try row.decode(column: "answers", as: String.self))
                set.add(responseId: record.responseId, digest: record.digest)
            }
            let ids = try await Self.append([Change(userId: nil, actor: "system", action: "responses.adopt", entity: "campaign",
                                                    entityId: String(campaign), beforeDigest: nil, afterDigest: set.finish(),
                                                    detail: "\(rows.count) responses stored before digests were recorded")], on: sql, db: db)
            try await sql.raw("UPDATE responses SET audit_id = \(bind: ids[0]) WHERE campaign_id = \(bind: campaign) AND audit_id IS NULL").run()
        }
        let changes = try await UserRepository.stateDigests(on: sql).sorted { $0.key < $1.key }.map { id, digest in
            Change(userId: nil, actor: "system", action: "user.adopt", entity: "user", entityId: String(id),
                   beforeDigest: nil, afterDigest: digest, detail: "state recorded when the audit key was made")
        }
        try await Self.append(changes, on: sql, db: db)
    }

    /// The chain alone, without its head checkpoint (a copy about to be restored has none here).
    public func verifyChainOnly() async throws -> Verification {
        let entries = try await db.read { sql in try await sql.raw("SELECT * FROM audit_log ORDER BY id").all().map(Self.decode) }
        return Self.verifyChain(entries, seal: db.auditSeal, checkingHead: false)
    }

    /// After a restore: if the restored chain holds under the key, its head becomes the checkpoint.
    public func resetCheckpoint() async throws -> Verification {
        let entries = try await db.read { sql in try await sql.raw("SELECT * FROM audit_log ORDER BY id").all().map(Self.decode) }
        let check = Self.verifyChain(entries, seal: db.auditSeal, checkingHead: false)
        db.auditSeal.identify(firstHash: entries.first?.hash)
        if check.intact {
            db.auditSeal.write(.init(id: entries.last?.id ?? 0, hash: entries.last?.hash ?? Self.genesis))
        }
        return check
    }
}
