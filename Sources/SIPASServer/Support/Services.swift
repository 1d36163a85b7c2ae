import Foundation
import SIPASCore
import SIPASStore
import SQLKit

/// Everything a route needs from storage, and the scope checks shared by all routes.
public struct Services: Sendable {
    public let db: Database
    public let units: UnitRepository
    public let users: UserRepository
    public let questionnaires: QuestionnaireRepository
    public let campaigns: CampaignRepository
    public let responses: ResponseRepository
    public let audit: AuditLog
    /// Every response write goes through it: concurrent submissions commit together.
    public let responseWriter: ResponseWriter
    let metrics: Metrics

    public init(db: Database, bcryptCost: UInt8 = 12) {
        self.db = db
        units = UnitRepository(db)
        users = UserRepository(db, bcryptCost: bcryptCost)
        questionnaires = QuestionnaireRepository(db)
        campaigns = CampaignRepository(db)
        responses = ResponseRepository(db)
        audit = AuditLog(db)
        responseWriter = ResponseWriter(db)
        metrics = Metrics()
    }

    /// The user's scope unit (nil for national roles).
    func scope(of user: User) async throws -> AdminUnit? {
        if user.role.isNational { return nil }
        guard let id = user.scopeUnitId, let unit = try await units.find(id: id) else {
            throw Problem.forbidden("tài khoản chưa được gán đơn vị phạm vi (the account has no scope unit)")
        }
        return unit
    }

    /// 403 unless `unit` is inside the user's scope.
    func requireInScope(_ user: User, unit: AdminUnit) async throws {
        guard let scope = try await scope(of: user) else { return }
        if !scope.contains(unit) {
            throw Problem.forbidden("đơn vị \"\(unit.name)\" nằm ngoài phạm vi của tài khoản (out of scope)")
        }
    }

    /// A campaign the user may see: national roles see all; others, campaigns owned within or
    /// above their scope.
    func campaign(_ id: Int, for user: User) async throws -> Campaign {
        guard let campaign = try await campaigns.findCommitted(id: id) else {
            throw Problem.notFound("kỳ đo lường \(id)")
        }
        if let scope = try await scope(of: user) {
            let owner = try await campaign.ownerUnitId.asyncMap { try await units.find(id: $0) } ?? nil
            guard let owner, owner.contains(scope) || scope.contains(owner) else { throw Problem.notFound("kỳ đo lường \(id)") }
        }
        return campaign
    }

    /// Campaign administrators: the system administrator, or a province administrator whose scope
    /// contains the campaign's owner unit.
    func requireCampaignAdmin(_ user: User, _ campaign: Campaign) async throws {
        if user.role == .systemAdmin { return }
        guard user.role == .provinceAdmin, let scope = try await scope(of: user),
              let ownerId = campaign.ownerUnitId, let owner = try await units.find(id: ownerId), scope.contains(owner) else {
            throw Problem.forbidden("chỉ người quản trị kỳ đo lường mới được thực hiện thao tác này (campaign administrators only)")
        }
    }

    /// Records a state change in the audit log, inside the caller's transaction.
    func record(_ user: User?, _ action: String, entity: String, id: String, before: String? = nil, after: String? = nil,
                detail: String = "", on sql: any SQLDatabase) async throws {
        try await AuditLog.append(on: sql, engine: db.engine, userId: user?.id, actor: user?.username ?? "system",
                                  action: action, entity: entity, entityId: id, before: before, after: after, detail: detail)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case let .some(value): return try await transform(value)
        case .none: return nil
        }
    }
}
