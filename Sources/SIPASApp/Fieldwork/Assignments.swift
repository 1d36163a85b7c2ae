import Foundation
import SIPASCore
import SIPASStore
import SQLKit

/// Handing cases to enumerators: by area in bulk (every unassigned case of these communes to
/// this enumerator), with each enumerator's load and a "balance by area" suggestion, and moving
/// cases between enumerators with a reason. Reserves stay unassigned until released.
public struct Assignments: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    public struct Load: Sendable, Equatable {
        public var enumerator: User
        public var postOffice: String
        public var cases: Int
        public var open: Int
    }

    public struct UnitLoad: Sendable, Equatable {
        public var unit: AdminUnit
        public var cases: Int
        public var unassigned: Int
        /// Who holds its cases (usernames), for the preview.
        public var holders: [String]
    }

    public struct Preview: Sendable {
        public var campaign: Campaign
        public var units: [UnitLoad]
        public var loads: [Load]
        /// Unit id → suggested enumerator (whole communes, largest first, to the least loaded).
        public var suggestion: [Int: User]
    }

    public func preview(campaign id: Int, by user: User?) async throws -> Preview {
        let scope = try await platform.fieldworkScope(id, user, .manageFieldwork)
        let (cases, enumerators, offices) = try await platform.read { sql in
            let store = FieldworkRepository()
            return (try await store.activeCases(campaignId: scope.campaign.id, on: sql), try await store.fieldAccounts(on: sql),
                    try await store.postOffices(on: sql))
        }
        let inScope = try await reachable(enumerators.filter { $0.role == .enumerator && !$0.disabled }, scope: scope)
        let officeName = Dictionary(offices.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let units = Dictionary(try await platform.read { sql in try await platform.store.campaigns.units(of: scope.campaign.id, on: sql) }
            .map { ($0.unit.id, $0.unit) }, uniquingKeysWith: { a, _ in a })
        let byId = Dictionary(enumerators.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var unitLoads: [Int: UnitLoad] = [:]
        var held: [Int: (cases: Int, open: Int)] = [:]
        for c in cases {
            guard let unit = units[c.unitId] else { continue }
            var load = unitLoads[c.unitId] ?? UnitLoad(unit: unit, cases: 0, unassigned: 0, holders: [])
            load.cases += 1
            if let e = c.enumeratorId {
                let name = byId[e]?.username ?? "#\(e)"
                if !load.holders.contains(name) { load.holders.append(name) }
                held[e, default: (0, 0)].cases += 1
                if !(c.disposition?.isSettled ?? false) { held[e, default: (0, 0)].open += 1 }
            } else {
                load.unassigned += 1
            }
            unitLoads[c.unitId] = load
        }
        let loads = inScope.map { e in
            Load(enumerator: e, postOffice: e.postOfficeId.flatMap { officeName[$0] } ?? "", cases: held[e.id]?.cases ?? 0, open: held[e.id]?.open ?? 0)
        }
        let orderedUnits = unitLoads.values.sorted { $0.unit.code < $1.unit.code }
        return Preview(campaign: scope.campaign, units: orderedUnits, loads: loads, suggestion: Self.balance(orderedUnits, loads))
    }

    /// Whole communes to enumerators, the commune with most unassigned cases first, each to the
    /// enumerator with the smallest load so far (a commune is one trip: it is not split).
    static func balance(_ units: [UnitLoad], _ loads: [Load]) -> [Int: User] {
        guard !loads.isEmpty else { return [:] }
        var current = loads.map { ($0.enumerator, $0.cases) }
        var out: [Int: User] = [:]
        for unit in units.filter({ $0.unassigned > 0 }).sorted(by: { $0.unassigned != $1.unassigned ? $0.unassigned > $1.unassigned : $0.unit.code < $1.unit.code }) {
            let i = current.indices.min { current[$0].1 != current[$1].1 ? current[$0].1 < current[$1].1 : current[$0].0.username < current[$1].0.username }!
            out[unit.unit.id] = current[i].0
            current[i].1 += unit.unassigned
        }
        return out
    }

    /// Enumerators of the post offices in the campaign's province (the account's reach).
    private func reachable(_ enumerators: [User], scope: FieldworkScope) async throws -> [User] {
        let offices = try await PostOffices(platform).list(by: scope.user).map(\.id)
        return enumerators.filter { $0.postOfficeId.map(offices.contains) ?? false }
    }

    public struct Outcome: Sendable, Equatable {
        public var assigned: Int
        /// Cases of these units already held by someone (left with them; move them instead).
        public var alreadyHeld: Int
    }

    /// Gives every unassigned case of these units to the enumerator, copying their contacts for them.
    public func assign(campaign id: Int, unitIds: [Int], to enumeratorId: Int, by user: User?) async throws -> Outcome {
        let scope = try await platform.fieldworkScope(id, user, .manageFieldwork)
        guard scope.campaign.status == .sampling || scope.campaign.status == .fieldwork else {
            throw AppError.conflict("chỉ phân công ở bước chọn mẫu (sau khi rút mẫu chính thức) hoặc điều tra thực địa (assignments are made before and during fieldwork)")
        }
        guard !unitIds.isEmpty else { throw AppError.invalid("chọn ít nhất một đơn vị (no unit chosen)", field: "/unit_ids") }
        let enumerator = try await self.enumerator(enumeratorId, scope: scope)
        let measured = Set(try await platform.read { sql in try await platform.store.campaigns.units(of: scope.campaign.id, on: sql) }.map(\.unit.id))
        for (i, unit) in unitIds.enumerated() where !measured.contains(unit) {
            throw AppError.invalid("đơn vị \(unit) không được đo trong kỳ này (not a measured unit)", field: "/unit_ids/\(i)")
        }
        let wanted = Set(unitIds)
        let campaignId = scope.campaign.id
        let outcome = try await platform.fieldworkTransaction { sql in
            let store = FieldworkRepository()
            let cases = try await store.activeCases(campaignId: campaignId, on: sql).filter { wanted.contains($0.unitId) }
            let free = cases.filter { $0.enumeratorId == nil }
            try await Self.give(free, to: enumerator, reason: nil, scope: scope, on: sql)
            try await platform.recordFieldwork(scope.user, "fieldwork.assign", campaign: campaignId, cases: free.map(\.number),
                                      detail: "\(free.count) trường hợp của \(wanted.count) đơn vị giao cho \(enumerator.username)", on: sql)
            return Outcome(assigned: free.count, alreadyHeld: cases.count - free.count)
        }
        return outcome
    }

    /// Moves cases (by code) to another enumerator, with the reason; settled cases stay where they are.
    public func move(campaign id: Int, codes: [String], to enumeratorId: Int, reason: String, by user: User?) async throws -> Int {
        let scope = try await platform.fieldworkScope(id, user, .manageFieldwork)
        try platform.requireFieldworkOpenOrSampling(scope.campaign)
        let why: String
        do { why = try TextRules.clean(reason, maxLength: 500) } catch { throw AppError.text(error, field: "/reason", label: "lý do") }
        guard !why.isEmpty else { throw AppError.invalid("cần ghi lý do chuyển (a reason is required)", field: "/reason") }
        guard !codes.isEmpty else { throw AppError.invalid("chọn ít nhất một trường hợp (no case chosen)", field: "/codes") }
        let enumerator = try await self.enumerator(enumeratorId, scope: scope)
        let campaignId = scope.campaign.id
        return try await platform.fieldworkTransaction { sql in
            let store = FieldworkRepository()
            var moving: [FieldworkRepository.FieldCase] = []
            for (i, text) in codes.enumerated() {
                guard let code = CaseCode(text) else {
                    throw AppError.invalid("mã \"\(text)\" sai chữ số kiểm tra (a wrong check digit)", field: "/codes/\(i)")
                }
                guard let c = try await store.fieldCase(campaignId: campaignId, code: code.description, on: sql), c.isActive else {
                    throw AppError.invalid("không có trường hợp \(code) trong mẫu đang điều tra (an unknown case)", field: "/codes/\(i)")
                }
                if c.disposition?.isSettled ?? false {
                    throw AppError.invalid("trường hợp \(code) đã có kết quả \"\(c.disposition!.label)\"; không chuyển được (a settled case)", field: "/codes/\(i)")
                }
                if c.enumeratorId == enumerator.id { continue }
                moving.append(c)
            }
            try await Self.give(moving, to: enumerator, reason: why, scope: scope, on: sql)
            try await platform.recordFieldwork(scope.user, "fieldwork.move", campaign: campaignId, cases: moving.map(\.number),
                                      detail: "\(moving.count) trường hợp chuyển cho \(enumerator.username): \(why)", on: sql)
            return moving.count
        }
    }

    /// Hands cases to an enumerator: who holds them, their contacts copied for them, an event each.
    private static func give(_ cases: [FieldworkRepository.FieldCase], to enumerator: User, reason: String?, scope: FieldworkScope, on sql: any SQLDatabase) async throws {
        let store = FieldworkRepository(), campaignId = scope.campaign.id
        try await store.assign(campaignId: campaignId, codes: cases.map(\.code), to: enumerator.id, on: sql)
        try await store.copyContacts(frameId: scope.draw.frameId, campaignId: campaignId,
                                     cases: Dictionary(cases.map { ($0.frameKey, $0.number) }, uniquingKeysWith: { a, _ in a }), on: sql)
        let today = FieldworkRepository.today()
        try await store.addEvents(cases.map { .init(caseNumber: $0.number, kind: "assignment", value: enumerator.username, occurredOn: today, reason: reason, userId: scope.user.id) },
                                  campaignId: campaignId, on: sql)
    }

    private func enumerator(_ id: Int, scope: FieldworkScope) async throws -> User {
        let offices = try await PostOffices(platform).list(by: scope.user).map(\.id)
        guard let found = try await platform.read({ sql in try await platform.store.users.find(id: id, on: sql) }),
              found.role == .enumerator, !found.disabled, let office = found.postOfficeId, offices.contains(office) else {
            throw AppError.invalid("không có điều tra viên \(id) thuộc bưu điện của tỉnh (an unknown enumerator)", field: "/enumerator_id")
        }
        // An enumerator of another province would hold cases of a campaign they cannot open.
        guard (try? await platform.visibleCampaign(scope.campaign.id, for: found)) != nil else {
            throw AppError.invalid("điều tra viên \(found.username) thuộc bưu điện ngoài địa bàn của kỳ đo lường (outside the campaign's area)", field: "/enumerator_id")
        }
        return found
    }
}

extension Platform {
    func requireFieldworkOpenOrSampling(_ campaign: Campaign) throws {
        guard campaign.status == .sampling || campaign.status == .fieldwork || campaign.status == .entry else {
            throw AppError.conflict("kỳ đo lường đang ở bước \"\(campaign.status.label)\"; không còn phân công (fieldwork is closed)")
        }
    }
}
