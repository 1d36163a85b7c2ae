import SIPASCore
import Foundation
import SIPASFormats
import SQLKit

/// Each campaign's stored responses in compact form, kept in memory and brought up to date from
/// the database (rows stored after the last one read) before every use. Responses are never
/// edited or deleted once stored, and their ids become visible in increasing order (one writer
/// at a time: SQLite's, or PostgreSQL's advisory lock), so reading the new rows is enough — also
/// when another process stored them.
public actor CompactResponsesCache {
    private var entries: [Int: CompactResponses] = [:]
    private var refreshing: [Int: Task<CompactResponses, any Error>] = [:]
    /// Responses in each campaign's stored snapshot.
    private var snapshotCount: [Int: Int] = [:]
    /// New responses after which a campaign's snapshot is stored again.
    let snapshotEvery: Int
    /// False for responses decoded with a derived questionnaire (the wishes): the stored
    /// snapshots are the campaign questionnaire's.
    let snapshots: Bool

    public init(snapshotEvery: Int = 50_000, snapshots: Bool = true) {
        self.snapshotEvery = snapshotEvery
        self.snapshots = snapshots
    }

    /// The campaign's responses, including every one committed before this call.
    public func rows(campaignId: Int, schema: ResponsesSchema, db: Database) async throws -> CompactResponses {
        // A refresh already running may have started before this call: wait, then refresh again.
        if let running = refreshing[campaignId] { _ = try? await running.value }
        if let running = refreshing[campaignId] { return try await running.value }
        let base = entries.removeValue(forKey: campaignId)
        let task = Task { () throws -> CompactResponses in
            var start = base
            if start == nil, self.snapshots {
                start = try await Self.storedSnapshot(campaignId: campaignId, schema: schema, db: db)
                if let start { self.noteSnapshot(campaignId, start.count) }
            }
            return try await Self.appendNewRows(to: start ?? CompactResponses(schema: schema),
                                                campaignId: campaignId, schema: schema, db: db)
        }
        refreshing[campaignId] = task
        do {
            let rows = try await task.value
            entries[campaignId] = rows
            refreshing[campaignId] = nil
            if snapshots, rows.count - (snapshotCount[campaignId] ?? 0) >= snapshotEvery {
                snapshotCount[campaignId] = rows.count
                // Stored in the background: the request that read the rows does not wait.
                Task(priority: .background) { try? await Self.storeSnapshot(rows, campaignId: campaignId, db: db) }
            }
            return rows
        } catch {
            if let base { entries[campaignId] = base }
            refreshing[campaignId] = nil
            throw error
        }
    }

    /// Campaigns whose responses came back from a stored snapshot.
    public private(set) var restoredFromSnapshot: Set<Int> = []

    private func noteSnapshot(_ campaignId: Int, _ count: Int) {
        snapshotCount[campaignId] = count
        restoredFromSnapshot.insert(campaignId)
    }

    /// Stores the campaign's snapshot now (it is otherwise stored every `snapshotEvery` new responses).
    public func storeSnapshot(campaignId: Int, schema: ResponsesSchema, db: Database) async throws {
        let rows = try await rows(campaignId: campaignId, schema: schema, db: db)
        snapshotCount[campaignId] = rows.count
        try await Self.storeSnapshot(rows, campaignId: campaignId, db: db)
    }

    /// The stored snapshot, if it matches the responses: as many stored up to its last id as it
    /// holds (a database restored from an older copy, say, does not).
    private static func storedSnapshot(campaignId: Int, schema: ResponsesSchema, db: Database) async throws -> CompactResponses? {
        let box = SnapshotBox()
        try await db.forEachRawRow(
            "SELECT data FROM compact_response_snapshots WHERE campaign_id = ?1 AND format = ?2",
            [.integer(campaignId), .integer(CompactResponses.snapshotFormat)]) { row in
            if case let .blob(bytes) = row[0] { box.bytes = bytes }
        }
        guard let bytes = box.bytes, let rows = CompactResponses(snapshot: bytes, schema: schema) else { return nil }
        let stored = try await db.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM responses WHERE campaign_id = \(bind: campaignId) AND id <= \(bind: rows.lastId)")
                .first()!.decode(column: "n", as: Int.self)
        }
        return stored == rows.count ? rows : nil
    }

    private static func storeSnapshot(_ rows: CompactResponses, campaignId: Int, db: Database) async throws {
        let data = Data(rows.snapshot())
        try await db.withConnection { sql in
            try await sql.raw("""
                INSERT INTO compact_response_snapshots (campaign_id, format, last_id, row_count, data, saved_at)
                VALUES (\(bind: campaignId), \(bind: CompactResponses.snapshotFormat), \(bind: rows.lastId), \(bind: rows.count),
                        \(bind: data), \(bind: Timestamp.now()))
                ON CONFLICT (campaign_id) DO UPDATE SET format = excluded.format, last_id = excluded.last_id,
                    row_count = excluded.row_count, data = excluded.data, saved_at = excluded.saved_at
                """).run()
        }
    }

    private final class SnapshotBox: @unchecked Sendable {
        var bytes: [UInt8]?
    }

    private static func appendNewRows(to base: CompactResponses, campaignId: Int, schema: ResponsesSchema,
                                      db: Database) async throws -> CompactResponses {
        let builder = Builder(base, schema: schema)
        try await db.forEachRawRow(
            "SELECT id, unit_id, stratum, psu, weight, channel, answers FROM responses WHERE campaign_id = ?1 AND id > ?2 ORDER BY id",
            [.integer(campaignId), .integer(base.lastId)]) { builder.add($0) }
        return builder.finish()
    }

    /// Collects driver rows in chunks (the driver's callback runs on one thread at a time).
    private final class Builder: @unchecked Sendable {
        var rows: CompactResponses
        let schema: ResponsesSchema
        var pending: [CompactResponses.Stored] = []

        init(_ rows: CompactResponses, schema: ResponsesSchema) {
            self.rows = rows
            self.schema = schema
        }

        func add(_ row: [RawValue]) {
            guard case let .integer(id) = row[0] else { return }
            var unitId: Int?
            if case let .integer(u) = row[1] { unitId = u }
            pending.append(CompactResponses.Stored(id: id, unitId: unitId, stratum: row[2].string, psu: row[3].string,
                                                   weight: row[4].double, channel: row[5].string ?? "", answers: row[6].string ?? ""))
            if pending.count == 8192 { flush() }
        }

        private func flush() {
            // Nothing new is the usual case: touching the arrays then would copy them (they are shared).
            guard !pending.isEmpty else { return }
            rows.append(pending, schema: schema)
            pending.removeAll(keepingCapacity: true)
        }

        func finish() -> CompactResponses {
            flush()
            return rows
        }
    }
}
