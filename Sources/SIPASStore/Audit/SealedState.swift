import Foundation
import SIPASCore
import SQLKit

/// The state the audit chain vouches for beyond responses and accounts: everything that decides
/// a figure or an access. Each change records, in its audit entry, a keyed digest of the whole
/// entity it changed — per table, so that verification names the table that no longer matches —
/// and verification recomputes every entity's digest and compares it with the last recorded.
public enum SealedState {
    /// The schema version from which campaigns, questionnaires and units are sealed.
    public static let sinceVersion = 6
    /// The schema version from which a campaign's state includes its signature and step-back reasons.
    public static let campaignsExtendedInVersion = 7
    /// The campaign's sealed state also covers its frame's status, design, draws and cases.
    public static let samplingSealedInVersion = 8

    public enum Kind: String, Sendable, CaseIterable {
        /// A campaign with its measured units and targets, phases, status history, focal points
        /// and releases (floor, status, owner, units: who sees what, and which figures).
        case campaign
        /// A questionnaire version's document (its scales' `satisfied` codes decide every figure).
        case questionnaire
        /// One province's units of one register, agencies included, with their successors (a
        /// unit's parent decides every scope).
        case units
        /// A post office: its province decides which administrators manage its accounts.
        case postOffice = "post-office"

        /// Audit actions whose `after_digest` is this kind's state.
        public var actions: Set<String> {
            switch self {
            case .campaign: return ["campaign.create", "campaign.update", "campaign.signature", "campaign.status", "focal-point.set", "release.create",
                                   "campaign.adopt", "campaign.delete",
                                   "frame.import", "frame.fix", "frame.purge", "sampling.design", "sampling.draw", "sampling.redraw"]
            case .questionnaire: return ["questionnaire.create", "questionnaire.update", "questionnaire.builtin", "questionnaire.adopt"]
            case .units: return ["units.load", "unit.create", "units.adopt"]
            case .postOffice: return ["post-office.create", "post-office.adopt"]
            }
        }

        /// The audit entries' `entity` of this kind.
        public var entity: String { rawValue == "units" ? "units" : rawValue }
    }

    /// What each table holds for one entity: (table, query selecting every column as text).
    static func tables(_ kind: Kind) -> [(table: String, query: (String) -> SQLQueryString)] {
        switch kind {
        case .campaign:
            return [
                ("campaigns", { id in "SELECT id, code, year, title, legal_basis, questionnaire_id, owner_unit_id, status, disclosure_min_n, release_breakdowns, created_by, issuer, signer_capacity, signer_title, signer_name FROM campaigns WHERE id = \(bind: Int(id) ?? -1)" }),
                ("campaign_units", { id in "SELECT unit_id, target_percent, target_text, target_comparator FROM campaign_units WHERE campaign_id = \(bind: Int(id) ?? -1) ORDER BY unit_id" }),
                ("campaign_phases", { id in "SELECT phase, starts_on, ends_on FROM campaign_phases WHERE campaign_id = \(bind: Int(id) ?? -1) ORDER BY phase" }),
                ("campaign_status_changes", { id in "SELECT id, from_status, to_status, user_id, at, reason FROM campaign_status_changes WHERE campaign_id = \(bind: Int(id) ?? -1) ORDER BY id" }),
                ("focal_points", { id in "SELECT unit_id, name, position, phone, email FROM focal_points WHERE campaign_id = \(bind: Int(id) ?? -1) ORDER BY unit_id" }),
                ("releases", { id in "SELECT number, responses, last_response_id, pattern FROM releases WHERE campaign_id = \(bind: Int(id) ?? -1) ORDER BY number" }),
                // What decides who is asked and with which weight: the frame's status, the design, the draws, the cases.
                ("sampling_frames", { id in "SELECT id, status, rows, kept_rows, duplicate_rule, duplicate_seed, window_from, window_to FROM sampling_frames WHERE campaign_id = \(bind: Int(id) ?? -1) ORDER BY id" }),
                ("sampling_designs", { id in "SELECT document FROM sampling_designs WHERE campaign_id = \(bind: Int(id) ?? -1)" }),
                ("sampling_areas", { id in "SELECT stage_order, file_name, content FROM sampling_areas WHERE campaign_id = \(bind: Int(id) ?? -1) ORDER BY stage_order" }),
                ("sampling_draws", { id in "SELECT number, frame_id, seed, record, draw_csv, projection_csv, is_final, reason, drawn_by, drawn_at FROM sampling_draws WHERE campaign_id = \(bind: Int(id) ?? -1) ORDER BY number" }),
                // Hundreds of thousands of rows: one text per row, joined by the database into the
                // digest's own text (each row followed by its separators), so that a quarter of a
                // million rows cross the driver as one.
                ("cases", { id in "SELECT COALESCE(string_agg(CAST(number AS TEXT) || '|' || code || '|' || frame_key || '|' || CAST(unit_id AS TEXT) || '|' || stratum || '|' || first_stratum || '|' || COALESCE(psu, '∅') || '|' || role || '|' || CAST(draw_order AS TEXT) || '|' || CAST(pi AS TEXT) || '|' || CAST(design_weight AS TEXT) || \(bind: Self.rowEnd), '' ORDER BY number), '') AS \(unsafeRaw: Self.preJoined) FROM cases WHERE campaign_id = \(bind: Int(id) ?? -1)" }),
            ]
        case .postOffice:
            return [("post_offices", { id in "SELECT id, name, scope_unit_id, created_at FROM post_offices WHERE id = \(bind: Int(id) ?? -1)" })]
        case .questionnaire:
            return [("questionnaires", { id in "SELECT id, code, version, title, document, owner_unit_id, builtin FROM questionnaires WHERE id = \(bind: Int(id) ?? -1)" })]
        case .units:
            // "register/province id": the province's own row and every unit below it.
            return [
                ("units", { key in
                    let (register, province) = Self.unitsKey(key)
                    return "SELECT id, code, name, kind, level, parent_id, path, register, valid_from, valid_to FROM units WHERE (register = \(bind: register) OR register = 'local') AND (id = \(bind: province) OR path LIKE \(bind: "/\(province)/%")) ORDER BY id"
                }),
                ("unit_successors", { key in
                    let (register, province) = Self.unitsKey(key)
                    let side = register == Register.reform2025.rawValue ? "unit_id" : "legacy_unit_id"
                    return "SELECT s.legacy_unit_id, s.unit_id, s.is_default FROM unit_successors s JOIN units u ON u.id = s.\(unsafeRaw: side) WHERE u.path LIKE \(bind: "/\(province)/%") OR u.id = \(bind: province) ORDER BY s.legacy_unit_id, s.unit_id"
                }),
            ]
        }
    }

    static func unitsKey(_ key: String) -> (String, Int) {
        let parts = key.split(separator: "/")
        return (parts.first.map(String.init) ?? "", parts.count > 1 ? Int(parts[1]) ?? -1 : -1)
    }

    /// Every entity of a kind that exists now.
    public static func ids(_ kind: Kind, on sql: any SQLDatabase) async throws -> [String] {
        switch kind {
        case .campaign:
            return try await sql.raw("SELECT id FROM campaigns ORDER BY id").all().map { String(try $0.decode(column: "id", as: Int.self)) }
        case .postOffice:
            return try await sql.raw("SELECT id FROM post_offices ORDER BY id").all().map { String(try $0.decode(column: "id", as: Int.self)) }
        case .questionnaire:
            return try await sql.raw("SELECT id FROM questionnaires ORDER BY id").all().map { String(try $0.decode(column: "id", as: Int.self)) }
        case .units:
            return try await sql.raw("SELECT id, register FROM units WHERE level = 'province' ORDER BY id").all().map {
                "\(try $0.decode(column: "register", as: String.self))/\(try $0.decode(column: "id", as: Int.self))"
            }
        }
    }

    /// The keyed digest of one entity as it stands in `sql`'s transaction: `table=mac;…`.
    public static func digest(_ kind: Kind, id: String, on sql: any SQLDatabase, seal: AuditSeal) async throws -> String {
        var parts: [String] = []
        for (table, query) in tables(kind) {
            var mac = seal.startMAC()
            mac.update("\(kind.rawValue)|\(id)|\(table)|")
            for row in try await sql.raw(query(id)).all() {
                if row.allColumns == [Self.preJoined] {
                    mac.update(try row.decode(column: Self.preJoined, as: String.self))
                    continue
                }
                for column in row.allColumns {
                    mac.update(Self.text(row, column))
                    mac.update("\u{1F}")
                }
                mac.update("\u{1E}")
            }
            parts.append("\(table)=\(mac.hex().prefix(24))")
        }
        return parts.joined(separator: ";")
    }

    /// A query's only column when the database returns the digest's text already joined.
    static let preJoined = "digest_text"
    /// What follows a one-column row in the digest's text: the column's and the row's separators.
    static let rowEnd = "\u{1F}\u{1E}"

    /// A column's value as text, whatever its type in either engine.
    private static func text(_ row: any SQLRow, _ column: String) -> String {
        if (try? row.decodeNil(column: column)) == true { return "∅" }
        if let v = try? row.decode(column: column, as: String.self) { return v }
        if let v = try? row.decode(column: column, as: Double.self) { return "\(v)" }
        if let v = try? row.decode(column: column, as: Int.self) { return String(v) }
        return "?"
    }

    /// The tables of a recorded digest that differ from the current one.
    static func differingTables(recorded: String, current: String) -> [String] {
        let a = Dictionary(recorded.split(separator: ";").map { p -> (String, String) in
            let kv = p.split(separator: "=", maxSplits: 1); return (String(kv[0]), kv.count > 1 ? String(kv[1]) : "")
        }) { x, _ in x }
        return current.split(separator: ";").compactMap { p in
            let kv = p.split(separator: "=", maxSplits: 1)
            return a[String(kv[0])] == (kv.count > 1 ? String(kv[1]) : "") ? nil : String(kv[0])
        }
    }
}

extension AuditLog {
    /// Records an entity's new state (what verification compares it with), in the caller's transaction.
    public func recordState(_ kind: SealedState.Kind, id: String, action: String, userId: Int?, actor: String, detail: String = "",
                            on sql: any SQLDatabase) async throws {
        let digest = try await SealedState.digest(kind, id: id, on: sql, seal: db.auditSeal)
        try await Self.append([Change(userId: userId, actor: actor, action: action, entity: kind.entity, entityId: id,
                                      beforeDigest: nil, afterDigest: digest, detail: detail)], on: sql, db: db)
    }

    /// Records the state of every entity of these kinds that has none recorded yet: once, when
    /// the schema that seals them is applied to a database written before (`again`: every
    /// entity, when a migration extends what their state covers).
    public func adoptState(_ kinds: [SealedState.Kind], again: Bool = false, on sql: any SQLDatabase) async throws {
        let entries = try await sql.raw("SELECT * FROM audit_log ORDER BY id").all().map(Self.decode)
        for kind in kinds {
            let recorded = again ? [] : Set(entries.filter { $0.entity == kind.entity && kind.actions.contains($0.action) }.map(\.entityId))
            for id in try await SealedState.ids(kind, on: sql) where !recorded.contains(id) {
                try await recordState(kind, id: id, action: "\(kind.rawValue).adopt", userId: nil, actor: "system",
                                      detail: "state recorded when sealing began", on: sql)
            }
        }
    }

    func verifyState(_ entries: [Entry]) async throws -> [String] {
        var problems: [String] = []
        for kind in SealedState.Kind.allCases {
            var last: [String: String] = [:]
            var deleted = Set<String>()
            for entry in entries where entry.entity == kind.entity && kind.actions.contains(entry.action) {
                last[entry.entityId] = entry.afterDigest
                if entry.action.hasSuffix(".delete") { deleted.insert(entry.entityId) } else { deleted.remove(entry.entityId) }
            }
            let (ids, current) = try await db.read { sql in
                let ids = try await SealedState.ids(kind, on: sql)
                var current: [String: String] = [:]
                for id in ids { current[id] = try await SealedState.digest(kind, id: id, on: sql, seal: db.auditSeal) }
                return (ids, current)
            }
            var findings: [String] = []
            for id in ids {
                guard let recorded = last[id] else { findings.append("\(kind.rawValue) \(id): không có trong nhật ký (not recorded)"); continue }
                let tables = SealedState.differingTables(recorded: recorded, current: current[id] ?? "")
                if !tables.isEmpty { findings.append("\(kind.rawValue) \(id): bảng \(tables.joined(separator: ", ")) (table changed)") }
            }
            for id in last.keys.sorted() where !ids.contains(id) && kind != .units && !deleted.contains(id) {
                findings.append("\(kind.rawValue) \(id): đã bị xóa (deleted)")
            }
            if !findings.isEmpty {
                problems.append("dữ liệu bị sửa ngoài ứng dụng (changed outside the application): " + findings.prefix(10).joined(separator: "; "))
            }
        }
        return problems
    }
}
