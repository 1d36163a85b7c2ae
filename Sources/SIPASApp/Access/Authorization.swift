import SIPASCore
import SIPASStore

/// Who may do what, where: the role matrix (`AccessPolicy`), then scope — the unit subtree a
/// non-national account is bound to. Every use case starts here.
extension Platform {
    /// Refuses (401/403) a request whose account may not take `action` at all, whatever its target.
    public func authorize(_ user: User?, _ action: Action) throws {
        _ = try require(user, action)
    }

    /// The signed-in user, allowed to take `action`.
    func require(_ user: User?, _ action: Action) throws -> User {
        guard let user else { throw AppError.unauthenticated() }
        guard !user.disabled else { throw AppError.unauthenticated() }
        guard AccessPolicy.allows(user.role, action) else { throw AppError.forbidden() }
        return user
    }

    /// The user's scope (nil for national roles): the scope unit and its counterparts across the
    /// reorganisation.
    public func scope(of user: User) async throws -> UnitScope? {
        if user.role.isNational { return nil }
        guard let id = user.scopeUnitId, let unit = try await store.units.find(id: id) else {
            throw AppError.forbidden("tài khoản chưa được gán đơn vị phạm vi (the account has no scope unit)")
        }
        return UnitScope(unit, counterparts: try await counterparts(of: unit))
    }

    private func counterparts(of unit: AdminUnit) async throws -> [AdminUnit] {
        let units = store.units
        if unit.level == .province {
            let other: Register = unit.register == .reform2025 ? .legacy : .reform2025
            return try await units.find(register: other, level: .province, code: unit.code).map { [$0] } ?? []
        }
        return unit.register == .reform2025 ? try await units.predecessors(of: unit) : try await units.successors(of: unit).map(\.unit)
    }

    /// Refuses a unit outside the user's scope.
    func requireInScope(_ user: User, unit: AdminUnit, field: String? = nil) async throws {
        guard let scope = try await scope(of: user) else { return }
        if !scope.contains(unit) {
            throw AppError.forbidden("đơn vị \"\(unit.name)\" nằm ngoài phạm vi của tài khoản (out of scope)", field: field)
        }
    }

    /// A campaign named by id or code, for the server's operator, who holds the database itself.
    public func campaign(reference: String) async throws -> Campaign {
        let store = self.store
        let found: Campaign? = try await read { sql in
            if let id = Int(reference), let c = try await store.campaigns.find(id: id, on: sql) { return c }
            return try await store.campaigns.find(code: reference, on: sql)
        }
        guard let campaign = found else { throw AppError.notFound("kỳ đo lường \"\(reference)\"") }
        return campaign
    }

    /// A campaign the user may see: national roles see all; others those owned inside their
    /// scope or measuring a unit inside or above it. Others do not exist for them (404, not 403:
    /// a unit must not learn which campaigns measure others).
    func visibleCampaign(_ id: Int, for user: User) async throws -> Campaign {
        guard let campaign = try await store.campaigns.findCommitted(id: id) else { throw AppError.notFound("kỳ đo lường \(id)") }
        guard let scope = try await scope(of: user) else { return campaign }
        if let ownerId = campaign.ownerUnitId, let owner = try await store.units.find(id: ownerId), scope.contains(owner) { return campaign }
        let measured = try await read { [store] sql in try await store.campaigns.units(of: campaign.id, on: sql) }
        guard measured.contains(where: { scope.contains($0.unit) || scope.isInside($0.unit) }) else {
            throw AppError.notFound("kỳ đo lường \(id)")
        }
        return campaign
    }

    /// Campaign administrators: the system administrator, or a province administrator whose
    /// scope contains the campaign's owner unit.
    public func isCampaignAdmin(_ user: User, _ campaign: Campaign) async throws -> Bool {
        if user.role == .systemAdmin { return true }
        guard user.role == .provinceAdmin, let scope = try await scope(of: user), let ownerId = campaign.ownerUnitId,
              let owner = try await store.units.find(id: ownerId) else { return false }
        return scope.contains(owner)
    }

    func requireCampaignAdmin(_ user: User, _ campaign: Campaign) async throws {
        guard try await isCampaignAdmin(user, campaign) else {
            throw AppError.forbidden("chỉ người quản trị kỳ đo lường mới được thực hiện thao tác này (campaign administrators only)")
        }
    }

    /// Whether the user may read this campaign's individual responses — and so sees its figures
    /// live and at any grouping. Everyone else gets aggregates under disclosure control.
    func hasResponseAccess(_ user: User, _ campaign: Campaign) async throws -> Bool {
        guard AccessPolicy.allows(user.role, .readResponses) else { return false }
        return try await isCampaignAdmin(user, campaign)
    }
}
