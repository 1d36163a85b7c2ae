import Foundation
import SIPASCore
import SQLKit

/// Campaigns, their measured units with targets, phases, status history and focal points.
public struct CampaignRepository: Sendable {
    let db: Database

    public init(_ db: Database) { self.db = db }

    static let columns = "id, code, year, title, legal_basis, questionnaire_id, owner_unit_id, status, created_at, disclosure_min_n, release_breakdowns, issuer, signer_capacity, signer_title, signer_name"

    static func decode(_ row: any SQLRow) throws -> Campaign {
        Campaign(id: try row.decode(column: "id", as: Int.self), code: try row.decode(column: "code", as: String.self),
                 year: try row.decode(column: "year", as: Int.self), title: try row.decode(column: "title", as: String.self),
                 legalBasis: try row.decode(column: "legal_basis", as: String.self),
                 questionnaireId: try row.decode(column: "questionnaire_id", as: Int.self),
                 ownerUnitId: try row.decode(column: "owner_unit_id", as: Int?.self),
                 status: CampaignStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .draft,
                 createdAt: try row.decode(column: "created_at", as: String.self),
                 disclosureMinN: try row.decode(column: "disclosure_min_n", as: Int.self),
                 releaseBreakdowns: try row.decode(column: "release_breakdowns", as: String?.self)
                    .map { $0.split(separator: ",").map(String.init) },
                 signature: ReportSignature(issuer: try row.decode(column: "issuer", as: String?.self),
                                            capacity: ReportSignature.Capacity(rawValue: try row.decode(column: "signer_capacity", as: String?.self) ?? "TM.") ?? .onBehalf,
                                            title: try row.decode(column: "signer_title", as: String?.self),
                                            name: try row.decode(column: "signer_name", as: String?.self)))
    }

    public struct MeasuredUnit: Sendable, Codable, Equatable {
        public var unitId: Int
        public var target: Target?
        /// The target as the unit's plan words it ("trên 93%").
        public var targetText: String?

        public init(unitId: Int, target: Target?, targetText: String?) {
            self.unitId = unitId
            self.target = target
            self.targetText = targetText
        }
    }

    public struct PhaseDates: Sendable, Codable, Equatable {
        public var phase: CampaignPhase
        public var startsOn: String
        public var endsOn: String

        public init(phase: CampaignPhase, startsOn: String, endsOn: String) {
            self.phase = phase
            self.startsOn = startsOn
            self.endsOn = endsOn
        }
    }

    public func create(code: String, year: Int, title: String, legalBasis: String, questionnaireId: Int, ownerUnitId: Int?,
                       disclosureMinN: Int = Campaign.defaultDisclosureMinN, signature: ReportSignature = ReportSignature(),
                       units: [MeasuredUnit], phases: [PhaseDates], userId: Int?, on sql: any SQLDatabase) async throws -> Campaign {
        let row = try await sql.raw("""
            INSERT INTO campaigns (code, year, title, legal_basis, questionnaire_id, owner_unit_id, status, created_at, created_by, disclosure_min_n,
                                   issuer, signer_capacity, signer_title, signer_name)
            VALUES (\(bind: code), \(bind: year), \(bind: title), \(bind: legalBasis), \(bind: questionnaireId), \(bind: ownerUnitId),
                    'draft', \(bind: Timestamp.now()), \(bind: userId), \(bind: disclosureMinN),
                    \(bind: signature.issuer), \(bind: signature.capacity.rawValue), \(bind: signature.title), \(bind: signature.name))
            RETURNING \(unsafeRaw: Self.columns)
            """).first()
        let campaign = try Self.decode(row!)
        try await insertPlan(campaign.id, units: units, phases: phases, on: sql)
        try await sql.raw("""
            INSERT INTO campaign_status_changes (campaign_id, from_status, to_status, user_id, at)
            VALUES (\(bind: campaign.id), NULL, 'draft', \(bind: userId), \(bind: Timestamp.now()))
            """).run()
        return campaign
    }

    /// Replaces a draft's plan: everything but its code's history, status and focal points.
    public func updateDraft(_ id: Int, code: String, year: Int, title: String, legalBasis: String, questionnaireId: Int, ownerUnitId: Int?,
                            disclosureMinN: Int, signature: ReportSignature, units: [MeasuredUnit], phases: [PhaseDates],
                            on sql: any SQLDatabase) async throws {
        db.changedCachedRows()
        db.measuredUnitCache.remove(id)
        try await sql.raw("""
            UPDATE campaigns SET code = \(bind: code), year = \(bind: year), title = \(bind: title), legal_basis = \(bind: legalBasis),
                questionnaire_id = \(bind: questionnaireId), owner_unit_id = \(bind: ownerUnitId), disclosure_min_n = \(bind: disclosureMinN),
                issuer = \(bind: signature.issuer), signer_capacity = \(bind: signature.capacity.rawValue), signer_title = \(bind: signature.title),
                signer_name = \(bind: signature.name)
            WHERE id = \(bind: id)
            """).run()
        try await sql.raw("DELETE FROM campaign_units WHERE campaign_id = \(bind: id)").run()
        try await sql.raw("DELETE FROM campaign_phases WHERE campaign_id = \(bind: id)").run()
        try await insertPlan(id, units: units, phases: phases, on: sql)
        // A focal point belongs to a measured unit: one no longer measured goes with it.
        try await sql.raw("""
            DELETE FROM focal_points WHERE campaign_id = \(bind: id)
              AND unit_id NOT IN (SELECT unit_id FROM campaign_units WHERE campaign_id = \(bind: id))
            """).run()
    }

    /// Sets who issues and signs the report (at any phase: the report is printed at the end).
    public func setSignature(_ id: Int, _ signature: ReportSignature, on sql: any SQLDatabase) async throws {
        db.changedCachedRows()
        try await sql.raw("""
            UPDATE campaigns SET issuer = \(bind: signature.issuer), signer_capacity = \(bind: signature.capacity.rawValue),
                signer_title = \(bind: signature.title), signer_name = \(bind: signature.name) WHERE id = \(bind: id)
            """).run()
    }

    /// Deletes a campaign on which nothing depends (no responses, imports or releases: checked by the caller).
    public func delete(_ id: Int, on sql: any SQLDatabase) async throws {
        db.changedCachedRows()
        db.measuredUnitCache.remove(id)
        // A discarded draft takes its sampling with it (each draw stays in the audit log).
        for table in SamplingRepository.rowTables {
            try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE frame_id IN (SELECT id FROM sampling_frames WHERE campaign_id = \(bind: id))").run()
        }
        for table in ["focal_points", "campaign_units", "campaign_phases", "campaign_status_changes", "releases", "cases", "sampling_draws",
                      "sampling_frames", "sampling_uploads", "sampling_designs", "sampling_areas"] {
            try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE campaign_id = \(bind: id)").run()
        }
        try await sql.raw("DELETE FROM campaigns WHERE id = \(bind: id)").run()
    }

    private func insertPlan(_ campaignId: Int, units: [MeasuredUnit], phases: [PhaseDates], on sql: any SQLDatabase) async throws {
        for u in units {
            try await sql.raw("""
                INSERT INTO campaign_units (campaign_id, unit_id, target_percent, target_comparator, target_text)
                VALUES (\(bind: campaignId), \(bind: u.unitId), \(bind: u.target?.percent), \(bind: u.target?.comparator.rawValue),
                        \(bind: u.targetText))
                """).run()
        }
        for p in phases {
            try await sql.raw("""
                INSERT INTO campaign_phases (campaign_id, phase, starts_on, ends_on)
                VALUES (\(bind: campaignId), \(bind: p.phase.rawValue), \(bind: p.startsOn), \(bind: p.endsOn))
                """).run()
        }
    }

    public func find(id: Int, on sql: any SQLDatabase) async throws -> Campaign? {
        try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM campaigns WHERE id = \(bind: id)").first().map(Self.decode)
    }

    /// A campaign as committed, from the short-lived cache when it holds it (every submission
    /// names its campaign).
    public func findCommitted(id: Int) async throws -> Campaign? {
        if let cached = db.campaignCache.get(id) { return cached }
        let campaign = try await db.read { try await find(id: id, on: $0) }
        if let campaign, !db.isWriting { db.campaignCache.set(id, campaign) }
        return campaign
    }

    public func find(code: String, on sql: any SQLDatabase) async throws -> Campaign? {
        try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM campaigns WHERE lower(code) = lower(\(bind: code))").first().map(Self.decode)
    }

    // Paths hold digits and slashes only, so LIKE's wildcards cannot come from them.
    /// Campaigns owned inside `scope` or measuring a unit inside or above it (all when nil).
    public func list(covering scope: UnitScope?, limit: Int, offset: Int, on sql: any SQLDatabase) async throws -> [Campaign] {
        if let scope {
            var found: [Int: Campaign] = [:]
            for root in scope.roots {
                for campaign in try await list(covering: root, limit: limit + offset, on: sql) { found[campaign.id] = campaign }
            }
            return Array(found.values.sorted { ($0.year, $0.id) > ($1.year, $1.id) }.dropFirst(offset).prefix(limit))
        }
        return try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM campaigns ORDER BY year DESC, id DESC LIMIT \(bind: limit) OFFSET \(bind: offset)")
            .all().map(Self.decode)
    }

    /// Campaigns in any of these statuses, the newest first.
    public func list(statuses: [CampaignStatus], on sql: any SQLDatabase) async throws -> [Campaign] {
        var query = SQLQueryString("SELECT \(unsafeRaw: Self.columns) FROM campaigns WHERE status IN (")
        for (i, status) in statuses.enumerated() {
            if i > 0 { query.appendInterpolation(unsafeRaw: ", ") }
            query.appendInterpolation(bind: status.rawValue)
        }
        query.appendInterpolation(unsafeRaw: ") ORDER BY year DESC, id DESC")
        return try await sql.raw(query).all().map(Self.decode)
    }

    private func list(covering scope: AdminUnit, limit: Int, on sql: any SQLDatabase) async throws -> [Campaign] {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM campaigns c
            WHERE EXISTS (SELECT 1 FROM units o WHERE o.id = c.owner_unit_id AND o.path LIKE \(bind: scope.path + "%"))
               OR EXISTS (SELECT 1 FROM campaign_units cu JOIN units u ON u.id = cu.unit_id
                          WHERE cu.campaign_id = c.id AND (u.path LIKE \(bind: scope.path + "%")
                                                           OR \(bind: scope.path) LIKE u.path || '%'))
            ORDER BY c.year DESC, c.id DESC LIMIT \(bind: limit)
            """).all().map(Self.decode)
    }

    /// The measured units with their targets. They change only while the campaign is a draft
    /// (which clears this process's copy), so they are cached once read outside a transaction.
    public func units(of campaignId: Int, on sql: any SQLDatabase) async throws -> [(unit: AdminUnit, target: MeasuredUnit)] {
        if let cached = db.measuredUnitCache.get(campaignId) { return cached }
        let units = try await readUnits(of: campaignId, on: sql)
        if !db.isWriting && !units.isEmpty { db.measuredUnitCache.set(campaignId, units) }
        return units
    }

    private func readUnits(of campaignId: Int, on sql: any SQLDatabase) async throws -> [(unit: AdminUnit, target: MeasuredUnit)] {
        try await sql.raw("""
            SELECT u.id, u.code, u.name, u.kind, u.level, u.parent_id, u.path, u.register, u.valid_from, u.valid_to,
                   cu.target_percent, cu.target_comparator, cu.target_text
            FROM campaign_units cu JOIN units u ON u.id = cu.unit_id WHERE cu.campaign_id = \(bind: campaignId) ORDER BY u.name, u.id
            """).all().map { row in
            let unit = try UnitRepository.decode(row)
            let percent = try row.decode(column: "target_percent", as: Double?.self)
            let comparator = try row.decode(column: "target_comparator", as: String?.self).flatMap(Target.Comparator.init(rawValue:)) ?? .above
            return (unit, MeasuredUnit(unitId: unit.id, target: percent.map { Target(percent: $0, comparator: comparator) },
                                       targetText: try row.decode(column: "target_text", as: String?.self)))
        }
    }

    public func phases(of campaignId: Int, on sql: any SQLDatabase) async throws -> [PhaseDates] {
        try await sql.raw("SELECT phase, starts_on, ends_on FROM campaign_phases WHERE campaign_id = \(bind: campaignId)").all().compactMap { row in
            guard let phase = CampaignPhase(rawValue: try row.decode(column: "phase", as: String.self)) else { return nil }
            return PhaseDates(phase: phase, startsOn: try row.decode(column: "starts_on", as: String.self),
                              endsOn: try row.decode(column: "ends_on", as: String.self))
        }.sorted { CampaignPhase.allCases.firstIndex(of: $0.phase)! < CampaignPhase.allCases.firstIndex(of: $1.phase)! }
    }

    public struct StatusChange: Sendable, Codable, Equatable {
        public var from: String?
        public var to: String
        public var userId: Int?
        /// Who acted (their username), nil for the system.
        public var username: String?
        public var at: String
        /// Why a phase was stepped back.
        public var reason: String?
    }

    public func history(of campaignId: Int, on sql: any SQLDatabase) async throws -> [StatusChange] {
        try await sql.raw("""
            SELECT c.from_status, c.to_status, c.user_id, u.username, c.at, c.reason
            FROM campaign_status_changes c LEFT JOIN users u ON u.id = c.user_id WHERE c.campaign_id = \(bind: campaignId) ORDER BY c.id
            """).all().map { row in
                StatusChange(from: try row.decode(column: "from_status", as: String?.self), to: try row.decode(column: "to_status", as: String.self),
                             userId: try row.decode(column: "user_id", as: Int?.self), username: try row.decode(column: "username", as: String?.self),
                             at: try row.decode(column: "at", as: String.self), reason: try row.decode(column: "reason", as: String?.self))
            }
    }

    public func setStatus(_ campaign: Campaign, to status: CampaignStatus, userId: Int?, reason: String? = nil, on sql: any SQLDatabase) async throws {
        db.changedCachedRows()
        try await sql.raw("UPDATE campaigns SET status = \(bind: status.rawValue) WHERE id = \(bind: campaign.id)").run()
        try await sql.raw("""
            INSERT INTO campaign_status_changes (campaign_id, from_status, to_status, user_id, at, reason)
            VALUES (\(bind: campaign.id), \(bind: campaign.status.rawValue), \(bind: status.rawValue), \(bind: userId), \(bind: Timestamp.now()),
                    \(bind: reason))
            """).run()
    }

    // MARK: Focal points

    public struct FocalPoint: Sendable, Codable, Equatable {
        public var id: Int
        public var unitId: Int
        public var name: String
        public var position: String
        public var phone: String
        public var email: String
    }

    public func setFocalPoint(campaignId: Int, unitId: Int, name: String, position: String, phone: String, email: String,
                              on sql: any SQLDatabase) async throws -> FocalPoint {
        try await sql.raw("DELETE FROM focal_points WHERE campaign_id = \(bind: campaignId) AND unit_id = \(bind: unitId)").run()
        let row = try await sql.raw("""
            INSERT INTO focal_points (campaign_id, unit_id, name, position, phone, email)
            VALUES (\(bind: campaignId), \(bind: unitId), \(bind: name), \(bind: position), \(bind: phone), \(bind: email)) RETURNING id
            """).first()
        return FocalPoint(id: try row!.decode(column: "id", as: Int.self), unitId: unitId, name: name, position: position, phone: phone, email: email)
    }

    public func focalPoints(campaignId: Int, on sql: any SQLDatabase) async throws -> [FocalPoint] {
        try await sql.raw("SELECT id, unit_id, name, position, phone, email FROM focal_points WHERE campaign_id = \(bind: campaignId) ORDER BY unit_id")
            .all().map { row in
                FocalPoint(id: try row.decode(column: "id", as: Int.self), unitId: try row.decode(column: "unit_id", as: Int.self),
                           name: try row.decode(column: "name", as: String.self), position: try row.decode(column: "position", as: String.self),
                           phone: try row.decode(column: "phone", as: String.self), email: try row.decode(column: "email", as: String.self))
            }
    }
}
