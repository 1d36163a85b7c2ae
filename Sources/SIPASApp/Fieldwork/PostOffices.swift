import Foundation
import SIPASCore
import SIPASStore

/// The provincial post offices that carry out fieldwork, and their accounts: enumerators and a
/// supervisor. A province's administrators create them within their province; each account
/// belongs to one post office and reaches only its cases.
public struct PostOffices: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    public typealias PostOffice = FieldworkRepository.PostOffice

    public static let nameLimit = 160

    /// The post offices whose province the account reaches.
    public func list(by user: User?) async throws -> [PostOffice] {
        let user = try platform.require(user, .readFieldwork)
        let all = try await platform.read { sql in try await FieldworkRepository().postOffices(on: sql) }
        if user.role == .fieldSupervisor { return all.filter { $0.id == user.postOfficeId } }
        guard let scope = try await platform.scope(of: user) else { return all }
        var out: [PostOffice] = []
        for office in all {
            if let unit = try await platform.store.units.find(id: office.scopeUnitId), scope.contains(unit) { out.append(office) }
        }
        return out
    }

    public func create(name: String, provinceUnitId: Int?, by user: User?) async throws -> PostOffice {
        let user = try platform.require(user, .manageFieldwork)
        let clean: String
        do { clean = try TextRules.clean(name, maxLength: Self.nameLimit) } catch { throw AppError.text(error, field: "/name", label: "tên bưu điện") }
        let unitId = try await province(provinceUnitId, for: user)
        return try await platform.transaction { sql in
            let store = FieldworkRepository()
            if try await store.postOffices(on: sql).contains(where: { $0.scopeUnitId == unitId && $0.name.lowercased() == clean.lowercased() }) {
                throw AppError.conflict("tỉnh đã có bưu điện tên \"\(clean)\" (a post office of that name exists)", field: "/name")
            }
            let office = try await store.addPostOffice(name: clean, scopeUnitId: unitId, on: sql)
            try await platform.recordState(user, .postOffice, id: String(office.id), action: "post-office.create", detail: clean, on: sql)
            return office
        }
    }

    /// A province administrator's post offices are in their province; the system administrator names it.
    private func province(_ id: Int?, for user: User) async throws -> Int {
        if user.role == .provinceAdmin {
            guard let own = user.scopeUnitId else { throw AppError.forbidden("tài khoản chưa có đơn vị phạm vi") }
            if let id, id != own { throw AppError.forbidden("chỉ tạo bưu điện trong tỉnh của mình (outside your province)", field: "/province_unit_id") }
            return own
        }
        guard let id else { throw AppError.invalid("cần mã tỉnh của bưu điện (province_unit_id)", field: "/province_unit_id") }
        guard let unit = try await platform.store.units.find(id: id), unit.level == .province else {
            throw AppError.invalid("đơn vị \(id) không phải một tỉnh (not a province)", field: "/province_unit_id")
        }
        return id
    }

    /// A post office the account administers.
    func administered(_ id: Int, by user: User) async throws -> PostOffice {
        guard let office = try await list(by: user).first(where: { $0.id == id }) else { throw AppError.notFound("bưu điện \(id)") }
        return office
    }

    /// Creates an enumerator or the supervisor of a post office.
    public func addMember(_ new: Accounts.NewUser, postOffice id: Int, by user: User?) async throws -> User {
        let admin = try platform.require(user, .manageFieldwork)
        let office = try await administered(id, by: admin)
        guard let role = Role(rawValue: new.role), role == .enumerator || role == .fieldSupervisor else {
            throw AppError.invalid("tài khoản của bưu điện là điều tra viên (enumerator) hoặc giám sát (field-supervisor)", field: "/role")
        }
        var account = new
        account.scopeUnitId = office.scopeUnitId
        return try await platform.accounts.insert(account, actor: admin, postOfficeId: office.id)
    }

    /// Makes an existing enumerator or supervisor account a member of a post office.
    public func attach(_ account: User, postOffice id: Int, by user: User?) async throws {
        let admin = try platform.require(user, .manageFieldwork)
        let office = try await administered(id, by: admin)
        guard account.role == .enumerator || account.role == .fieldSupervisor else {
            throw AppError.invalid("chỉ điều tra viên hoặc giám sát thuộc bưu điện (enumerators and supervisors only)", field: "/user_id")
        }
        try await platform.transaction { sql in
            try await platform.store.users.setPostOffice(account.id, office.id, on: sql)
            try await platform.recordUserState(admin, "user.post-office", userId: account.id, detail: office.name, on: sql)
        }
    }

    public func members(postOffice id: Int, by user: User?) async throws -> [User] {
        let user = try platform.require(user, .readFieldwork)
        let office = try await administered(id, by: user)
        return try await platform.read { sql in try await FieldworkRepository().members(postOfficeId: office.id, on: sql) }
    }
}
