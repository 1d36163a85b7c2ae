import SIPASCore
import SIPASStore

/// The unit registers (before and after the 1 July 2025 reorganisation) and the agencies measured
/// under their units.
public struct UnitRegister: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }
    private var units: UnitRepository { platform.store.units }

    public static let queryLimit = 200
    public static let agencyCodeLimit = 40
    public static let agencyNameLimit = 300
    public static let agencyKindLimit = 60

    public struct Search: Sendable {
        public var text: String
        public var register: String?
        public var level: String?
        public var within: Int?
        public init(text: String = "", register: String? = nil, level: String? = nil, within: Int? = nil) {
            self.text = text
            self.register = register
            self.level = level
            self.within = within
        }
    }

    public func search(_ search: Search, by user: User?, limit: Int, offset: Int) async throws -> [AdminUnit] {
        _ = try platform.require(user, .readUnits)
        let text: String
        do { text = try TextRules.clean(search.text, maxLength: Self.queryLimit, allowEmpty: true) } catch {
            throw AppError.text(error, field: "?q", label: "từ khóa")
        }
        let register = try search.register.map { text in
            guard let value = Register(rawValue: text) else {
                throw AppError.invalid("register phải là một trong: \(Register.allCases.map(\.rawValue).joined(separator: ", "))", field: "?register")
            }
            return value
        }
        let level = try search.level.map { text in
            guard let value = UnitLevel(rawValue: text) else {
                throw AppError.invalid("level phải là một trong: \(UnitLevel.allCases.map(\.rawValue).joined(separator: ", "))", field: "?level")
            }
            return value
        }
        var within: AdminUnit?
        if let id = search.within {
            guard let unit = try await units.find(id: id) else { throw AppError.notFound("đơn vị \(id)") }
            within = unit
        }
        do {
            return try await units.search(text, register: register, level: level, within: within, limit: limit, offset: offset)
        } catch { throw AppError.from(error) }
    }

    public func unit(_ id: Int, by user: User?) async throws -> AdminUnit {
        _ = try platform.require(user, .readUnits)
        guard let unit = try await units.find(id: id) else { throw AppError.notFound("đơn vị \(id)") }
        return unit
    }

    /// As `unit(code:register:)`, the register named as a form or request gives it.
    public func unit(code: String, registerName: String, by user: User?) async throws -> AdminUnit {
        guard let register = Register(rawValue: registerName) else {
            throw AppError.invalid("danh mục \"\(registerName)\" không có; chọn một trong: \(Register.allCases.map(\.rawValue).joined(separator: ", "))", field: "/scope_register")
        }
        return try await unit(code: code, register: register, by: user)
    }

    /// The unit with this code in a register, at the highest level that has it.
    public func unit(code: String, register: Register, by user: User?) async throws -> AdminUnit {
        _ = try platform.require(user, .readUnits)
        for level in UnitLevel.allCases {
            if let unit = try await units.find(register: register, level: level, code: code) { return unit }
        }
        throw AppError.invalid("không có đơn vị mã \(code) trong danh mục \(register.rawValue) (unknown unit code)", field: "/scope_unit_id")
    }

    public struct Detail: Sendable {
        public var unit: AdminUnit
        public var parent: AdminUnit?
        public var children: [AdminUnit]
        public var successors: [(unit: AdminUnit, isDefault: Bool)]
        public var predecessors: [AdminUnit]
    }

    /// A unit with its place in the tree and across the reorganisation.
    public func detail(_ id: Int, by user: User?) async throws -> Detail {
        let unit = try await self.unit(id, by: user)
        return Detail(unit: unit, parent: try await unit.parentId.asyncMap { try await units.find(id: $0) } ?? nil,
                      children: try await units.children(of: unit), successors: try await units.successors(of: unit),
                      predecessors: try await units.predecessors(of: unit))
    }

    /// The 2025 communes that succeeded the communes of a legacy district (or province).
    public func successorCommunes(ofFormer id: Int, by user: User?) async throws -> [AdminUnit] {
        let unit = try await unit(id, by: user)
        guard unit.register == .legacy else {
            throw AppError.invalid("\(unit.name) không phải đơn vị trước 01/07/2025 (not a legacy unit)", field: "/former_district")
        }
        return try await units.successorCommunes(within: unit)
    }

    public func children(of id: Int, by user: User?) async throws -> [AdminUnit] {
        try await units.children(of: try await unit(id, by: user))
    }

    public struct NewAgency: Sendable {
        public var code: String
        public var name: String
        public var kind: String?
        public init(code: String, name: String, kind: String?) {
            self.code = code
            self.name = name
            self.kind = kind
        }
    }

    /// Adds an agency (sở, ban, ngành, bộ phận một cửa) under a unit in the user's scope.
    public func addAgency(_ new: NewAgency, under parentId: Int, by user: User?) async throws -> AdminUnit {
        let user = try platform.require(user, .manageAgencies)
        let parent = try await unit(parentId, by: user)
        try await platform.requireInScope(user, unit: parent)
        guard TextRules.isCode(new.code), new.code.count <= Self.agencyCodeLimit else {
            throw AppError.invalid("mã cơ quan gồm tối đa \(Self.agencyCodeLimit) chữ cái không dấu, chữ số và . _ - (agency code characters)", field: "/code")
        }
        let name: String, kind: String
        do { name = try TextRules.clean(new.name, maxLength: Self.agencyNameLimit) } catch { throw AppError.text(error, field: "/name", label: "tên cơ quan") }
        do { kind = try TextRules.clean(new.kind ?? "co-quan", maxLength: Self.agencyKindLimit) } catch { throw AppError.text(error, field: "/kind", label: "loại") }
        let code = new.code
        return try await platform.transaction { sql in
            if try await units.agencyCodeExists(code, on: sql) {
                throw AppError.conflict("đã có cơ quan mã \"\(code)\" (an agency with this code exists; codes are compared without case)", field: "/code")
            }
            let agency = try await units.addAgency(code: code, name: name, kind: kind, parent: parent, on: sql)
            // The agency is sealed with its province's units (its parent decides scopes).
            let province = try await units.find(id: parent.rootId ?? parent.id)
            try await platform.recordState(user, .units, id: "\(province?.register ?? parent.register)/\(province?.id ?? parent.id)", action: "unit.create",
                                           detail: "agency \(agency.id) \(code)", on: sql)
            return agency
        }
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
