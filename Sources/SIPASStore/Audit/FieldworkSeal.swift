import Foundation
import SIPASCore
import SQLKit

/// The fieldwork state the audit chain vouches for, case by case: who holds a case, its
/// disposition and date, its release, its re-check and decision, its history, its paper form's
/// keyings and decided values. A change touches a few cases of a hundred thousand, so it must not
/// digest them all: each case carries a keyed MAC of its own state (`cases.seal`), and a
/// campaign's fieldwork seal is the sum of its cases' MACs (four 64-bit lanes, wrapping), moved
/// by a change from the old MACs of the cases it touched to their new ones and recorded in the
/// change's audit entry. Verification recomputes every case's MAC — naming a case edited behind
/// the application's back — and their sum, which also catches a case rolled back with its old
/// MAC. A case nobody has touched (drawn, never given) contributes nothing: a draw seals nothing.
public struct FieldworkSeal: Sendable {
    /// The audit entries' `entity` for a campaign's fieldwork state (`entity_id`: the campaign).
    public static let entity = "fieldwork"
    /// The schema version from which fieldwork (and post offices, `SealedState.Kind.postOffice`) is sealed.
    public static let sinceVersion = 11

    let db: Database

    public init(_ db: Database) { self.db = db }

    /// Fieldwork writers take turns (on PostgreSQL; SQLite has one writer): taken first, before
    /// any case row is locked, so that two changes never wait on each other.
    public static func lock(_ sql: any SQLDatabase, _ db: Database) async throws {
        if db.engine == .postgres { try await sql.raw("SELECT pg_advisory_xact_lock(4242)").run() }
    }

    /// Seals anew the cases a change touched (by number) and appends the change's audit entry
    /// carrying the campaign's new fieldwork seal, in the caller's transaction.
    @discardableResult
    public func record(campaignId: Int, cases numbers: [Int], change: AuditLog.Change, on sql: any SQLDatabase) async throws -> Int {
        try await Self.lock(sql, db)
        let numbers = Array(Set(numbers)).sorted()
        let (states, old) = try await Self.states(campaignId: campaignId, numbers: numbers, engine: db.engine, on: sql)
        var sum = try await lastRecorded(campaignId: campaignId, on: sql) ?? Lanes()
        var updates: [(Int, String?)] = []
        for number in numbers {
            let new = states[number].map { db.auditSeal.mac($0) }
            guard new != old[number] else { continue }
            if let before = old[number] { sum.subtract(Lanes(hex: before)) }
            if let new { sum.add(Lanes(hex: new)) }
            updates.append((number, new))
        }
        try await write(campaignId: campaignId, updates, on: sql)
        var change = change
        change.entity = Self.entity
        change.entityId = String(campaignId)
        change.afterDigest = sum.hex
        let id = try await AuditLog.append([change], on: sql, db: db)[0]
        Database.pendingEffects?.fieldworkSums.withLock { $0[campaignId] = sum.hex }
        return id
    }

    /// Seals every case of a campaign as it stands (a database written before sealing, or a
    /// campaign whose seal was never recorded) and records the sum; nothing when no case was touched.
    public func adopt(campaignId: Int, on sql: any SQLDatabase) async throws {
        let states = try await Self.states(campaignId: campaignId, numbers: nil, engine: db.engine, on: sql).states
        guard !states.isEmpty else { return }
        var sum = Lanes()
        var updates: [(Int, String?)] = []
        for (number, state) in states.sorted(by: { $0.key < $1.key }) {
            let mac = db.auditSeal.mac(state)
            sum.add(Lanes(hex: mac))
            updates.append((number, mac))
        }
        try await write(campaignId: campaignId, updates, on: sql)
        try await AuditLog.append([AuditLog.Change(userId: nil, actor: "system", action: "fieldwork.adopt", entity: Self.entity,
                                                   entityId: String(campaignId), beforeDigest: nil, afterDigest: sum.hex,
                                                   detail: "\(states.count) trường hợp được niêm phong khi bắt đầu niêm phong (state recorded when sealing began)")],
                                  on: sql, db: db)
    }

    // MARK: Verification

    /// What differs from the recorded fieldwork state, campaign by campaign (empty when all holds).
    func verify(_ entries: [AuditLog.Entry]) async throws -> [String] {
        var recorded: [Int: String] = [:]
        for entry in entries where entry.entity == Self.entity {
            if let digest = entry.afterDigest, let id = Int(entry.entityId) { recorded[id] = digest }
        }
        let campaigns = try await db.read { sql in
            try await sql.raw("SELECT id FROM campaigns ORDER BY id").all().map { try $0.decode(column: "id", as: Int.self) }
        }
        var findings: [String] = []
        for campaign in campaigns {
            let (states, stored) = try await db.read { [db] sql in try await Self.states(campaignId: campaign, numbers: nil, engine: db.engine, on: sql) }
            var sum = Lanes()
            var edited: [String] = []
            for number in Set(states.keys).union(stored.keys).sorted() {
                let mac = states[number].map { db.auditSeal.mac($0) }
                if let mac { sum.add(Lanes(hex: mac)) }
                if mac != stored[number] { edited.append(CaseCode(number: number).description) }
            }
            if !edited.isEmpty {
                findings.append("kỳ \(campaign): trường hợp \(edited.prefix(10).joined(separator: ", "))\(edited.count > 10 ? " (và \(edited.count - 10) trường hợp khác)" : "") có người giữ, kết quả, phúc tra, lịch sử hoặc phiếu nhập khác với lần ghi cuối (cases changed)")
            } else if sum.hex != (recorded[campaign] ?? Lanes().hex) {
                findings.append("kỳ \(campaign): trạng thái điều tra thực địa khác với lần ghi cuối trong nhật ký — trường hợp bị xóa, thêm hoặc đưa về trạng thái cũ (fieldwork state rolled back, deleted or added)")
            }
        }
        guard !findings.isEmpty else { return [] }
        return ["điều tra thực địa bị sửa ngoài ứng dụng (fieldwork changed outside the application): " + findings.prefix(10).joined(separator: "; ")]
    }

    // MARK: A case's state

    /// The state text of each touched case among `numbers` (all of the campaign's when nil) —
    /// untouched cases are absent — and the MAC each case carries now. One query (per 400 cases):
    /// the five tables' rows as text, side by side.
    static func states(campaignId: Int, numbers: [Int]?, engine: Database.Engine, on sql: any SQLDatabase) async throws -> (states: [Int: String], seals: [Int: String]) {
        var parts: [Int: [String]] = [:]
        var seals: [Int: String] = [:]
        let visit: (any SQLRow) throws -> Void = { row in
            let source = try row.decode(column: "src", as: String.self), number = try row.decode(column: "k", as: Int.self)
            let width = Self.sources.first { $0.name == source }?.columns.count ?? 0
            let values = try (0..<width).map { try row.decode(column: "v\($0)", as: String?.self) }
            parts[number, default: []].append(Self.field(source) + values.map(Self.field).joined())
            if source == "case", let seal = try row.decode(column: "seal", as: String?.self) { seals[number] = seal }
        }
        if let numbers {
            for start in stride(from: 0, to: numbers.count, by: 400) {
                try await sql.raw(Self.union(campaignId, Array(numbers[start..<min(start + 400, numbers.count)]), engine)).all().forEach(visit)
            }
        } else {
            try await sql.raw(Self.union(campaignId, nil, engine)).all().forEach(visit)
        }
        let untouched = field("case") + field(engine == .sqlite ? "text:" + "drawn".utf8.map { String(format: "%02X", $0) }.joined() : "drawn") + String(repeating: field(nil), count: 5)
        var out: [Int: String] = [:]
        for (number, list) in parts {
            // A case as drawn and never handed to anyone is its draw's, sealed with the campaign.
            if list == [untouched] { continue }
            out[number] = field(String(campaignId)) + field(String(number)) + list.sorted().map { field($0) }.joined()
        }
        return (out, seals)
    }

    /// A column's value exactly: on SQLite, whose columns take any type, its storage type and its
    /// bytes in hexadecimal (text with a NUL inside, or a BLOB of the same bytes, is not the text);
    /// PostgreSQL's columns hold their declared type, and its text holds no NUL.
    static func exact(_ column: String, _ engine: Database.Engine) -> String {
        engine == .sqlite ? "CASE WHEN \(column) IS NULL THEN NULL ELSE typeof(\(column)) || ':' || hex(\(column)) END" : "CAST(\(column) AS TEXT)"
    }

    /// A value as it enters a state's text: its length, then itself; nothing else reads as NULL.
    /// No value can then pass for another's end, a separator or a row (text moved from one row
    /// into another's last column seals differently).
    static func field(_ value: String?) -> String {
        guard let value else { return "-;" }
        return "\(value.utf8.count):\(value)"
    }

    /// What a case's state is made of: each table's rows for it, these columns.
    static let sources: [(name: String, table: String, key: String, columns: [String])] = [
        ("case", "cases", "number", ["status", "enumerator_id", "disposition_on", "released_for", "recheck", "recheck_decision"]),
        ("form", "entry_forms", "case_number", ["received_on", "status", "response_id"]),
        ("keying", "keyings", "case_number", ["pass", "keyer_id", "keyed_at", "answers"]),
        ("decision", "keying_decisions", "case_number", ["item", "value", "decided_by", "decided_at"]),
        ("event", "case_events", "case_number", ["id", "kind", "value", "occurred_on", "reason", "user_id", "recorded_at"]),
    ]

    /// The sources' rows of a campaign's cases (these, or all) as one result: every column as
    /// text, the same in either engine, padded to the widest source.
    private static func union(_ campaignId: Int, _ numbers: [Int]?, _ engine: Database.Engine) -> SQLQueryString {
        let width = sources.map(\.columns.count).max()!
        var query = SQLQueryString("")
        for (i, source) in sources.enumerated() {
            let values = (0..<width).map { j in j < source.columns.count ? "\(Self.exact(source.columns[j], engine)) AS v\(j)" : "CAST(NULL AS TEXT) AS v\(j)" }
            let seal = source.name == "case" ? "seal" : "CAST(NULL AS TEXT)"
            query.appendInterpolation(unsafeRaw: (i > 0 ? " UNION ALL " : "") + "SELECT '\(source.name)' AS src, \(source.key) AS k, \(values.joined(separator: ", ")), \(seal) AS seal FROM \(source.table) WHERE campaign_id = ")
            query.appendInterpolation(bind: campaignId)
            guard let numbers else { continue }
            query.appendInterpolation(unsafeRaw: source.name == "case" ? " AND code IN (" : " AND case_number IN (")
            for (j, number) in numbers.enumerated() {
                if j > 0 { query.appendInterpolation(unsafeRaw: ", ") }
                if source.name == "case" { query.appendInterpolation(bind: CaseCode(number: number).description) } else { query.appendInterpolation(bind: number) }
            }
            query.appendInterpolation(unsafeRaw: ")")
        }
        return query
    }

    // MARK: Stored MACs and the recorded sum

    private func write(campaignId: Int, _ updates: [(Int, String?)], on sql: any SQLDatabase) async throws {
        for start in stride(from: 0, to: updates.count, by: 200) {
            let chunk = updates[start..<min(start + 200, updates.count)]
            var query = SQLQueryString("UPDATE cases SET seal = CASE code")
            for (number, seal) in chunk {
                query.appendInterpolation(unsafeRaw: " WHEN ")
                query.appendInterpolation(bind: CaseCode(number: number).description)
                query.appendInterpolation(unsafeRaw: " THEN ")
                query.appendInterpolation(bind: seal)
            }
            query.appendInterpolation(unsafeRaw: " END WHERE campaign_id = ")
            query.appendInterpolation(bind: campaignId)
            query.appendInterpolation(unsafeRaw: " AND code IN (")
            for (i, (number, _)) in chunk.enumerated() {
                if i > 0 { query.appendInterpolation(unsafeRaw: ", ") }
                query.appendInterpolation(bind: CaseCode(number: number).description)
            }
            query.appendInterpolation(unsafeRaw: ")")
            try await sql.raw(query).run()
        }
    }

    private func lastRecorded(campaignId: Int, on sql: any SQLDatabase) async throws -> Lanes? {
        if let sum = Database.pendingEffects?.fieldworkSums.withLock({ $0[campaignId] }) { return Lanes(hex: sum) }
        let row = try await sql.raw("""
            SELECT after_digest FROM audit_log WHERE entity = \(bind: Self.entity) AND entity_id = \(bind: String(campaignId))
            AND after_digest IS NOT NULL ORDER BY id DESC LIMIT 1
            """).first()
        return try row?.decode(column: "after_digest", as: String?.self).map(Lanes.init(hex:))
    }

    /// A sum of MACs: four 64-bit lanes, each added and subtracted with wrap-around.
    struct Lanes: Equatable {
        var lanes: [UInt64] = [0, 0, 0, 0]

        init() {}

        init(hex: String) {
            let bytes = AuditSeal.bytes(hex: hex) ?? []
            for lane in 0..<4 {
                var value: UInt64 = 0
                for i in 0..<8 { value = value << 8 | UInt64(lane * 8 + i < bytes.count ? bytes[lane * 8 + i] : 0) }
                lanes[lane] = value
            }
        }

        mutating func add(_ other: Lanes) { for i in 0..<4 { lanes[i] &+= other.lanes[i] } }
        mutating func subtract(_ other: Lanes) { for i in 0..<4 { lanes[i] &-= other.lanes[i] } }

        var hex: String { lanes.map { String(format: "%016llx", $0) }.joined() }
    }
}
