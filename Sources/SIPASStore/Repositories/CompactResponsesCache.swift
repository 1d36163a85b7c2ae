import SIPASFormats

/// Each campaign's stored responses in compact form, kept in memory and brought up to date from
/// the database (rows stored after the last one read) before every use. Responses are never
/// edited or deleted once stored, so reading the new rows is enough — also when another process
/// stored them.
public actor CompactResponsesCache {
    private var entries: [Int: CompactResponses] = [:]
    private var refreshing: [Int: Task<CompactResponses, any Error>] = [:]

    public init() {}

    /// The campaign's responses, including every one committed before this call.
    public func rows(campaignId: Int, schema: ResponsesSchema, db: Database) async throws -> CompactResponses {
        // A refresh already running may have started before this call: wait, then refresh again.
        if let running = refreshing[campaignId] { _ = try? await running.value }
        if let running = refreshing[campaignId] { return try await running.value }
        let base = entries.removeValue(forKey: campaignId) ?? CompactResponses(words: schema.evaluator.plan.words)
        let task = Task { try await Self.appendNewRows(to: base, campaignId: campaignId, schema: schema, db: db) }
        refreshing[campaignId] = task
        do {
            let rows = try await task.value
            entries[campaignId] = rows
            refreshing[campaignId] = nil
            return rows
        } catch {
            entries[campaignId] = base
            refreshing[campaignId] = nil
            throw error
        }
    }

    private static func appendNewRows(to base: CompactResponses, campaignId: Int, schema: ResponsesSchema,
                                      db: Database) async throws -> CompactResponses {
        let builder = Builder(base, schema: schema)
        try await db.forEachRawRow(
            "SELECT id, unit_id, stratum, psu, weight, answers FROM responses WHERE campaign_id = ?1 AND id > ?2 ORDER BY id",
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
                                                   weight: row[4].double, answers: row[5].string ?? ""))
            if pending.count == 8192 { flush() }
        }

        private func flush() {
            rows.append(pending, schema: schema)
            pending.removeAll(keepingCapacity: true)
        }

        func finish() -> CompactResponses {
            flush()
            return rows
        }
    }
}
