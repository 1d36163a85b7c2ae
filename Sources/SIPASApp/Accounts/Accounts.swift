import Foundation
import SIPASCore
import SIPASStore

/// Accounts: sign-in (throttled, audited), sessions and API tokens, and their administration.
public struct Accounts: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }
    private var users: UserRepository { platform.store.users }

    public static let usernamePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$"
    public static let displayNameLimit = 200

    public enum TokenKind: String, Sendable, CaseIterable {
        /// A browser session: an HttpOnly cookie plus a CSRF token for writes.
        case session
        /// A bearer token for scripts and other programs.
        case api

        var lifetime: TimeInterval { self == .session ? 8 * 3600 : 90 * 24 * 3600 }
    }

    public struct SignedIn: Sendable {
        public var user: User
        public var kind: TokenKind
        /// The secret: the cookie's value or the bearer token. Shown once.
        public var token: String
        public var csrfToken: String?
        public var lifetime: TimeInterval
    }

    /// Signs in. Refuses (throttled) a name or an address with too many recent failures; records
    /// every failure in the audit log, never the password.
    public func signIn(username: String, password: String, kind: TokenKind, from address: String?) async throws -> SignedIn {
        // A name with a control character (NUL, a line break) is refused, never cleaned into another name.
        guard !username.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }),
              username.count <= 64 else {
            throw AppError.invalid("tên đăng nhập chứa ký tự điều khiển hoặc ký tự ẩn; hãy gõ lại tên (a username with control or invisible characters)",
                                   field: "/username")
        }
        let name = username.precomposedStringWithCanonicalMapping.lowercased()
        let attempt = PasswordPolicy.attempt(password)
        let accountKey = "account:" + name, addressKey = "address:" + (address ?? "?"), pairKey = accountKey + "|" + addressKey
        // The account-wide backoff applies to addresses that already failed on this account: the
        // owner, signing in from a clean one, is never slowed by someone else's guesses.
        var rules = [(pairKey, SignInThrottle.accountAndAddress), (addressKey, SignInThrottle.address)]
        if await platform.throttle.hasFailed(pairKey) { rules.append((accountKey, SignInThrottle.account)) }
        for (key, rule) in rules {
            if let wait = await platform.throttle.wait(key, rule) {
                throw AppError(.throttled, "đăng nhập sai quá nhiều lần; hãy thử lại sau \(wait) giây (too many failed sign-ins; try again later)",
                               retryAfter: wait)
            }
        }
        let found = try await attempt.asyncMap { try await users.authenticate(username: name, password: $0) } ?? nil
        guard let user = found else {
            for key in [pairKey, accountKey, addressKey] { await platform.throttle.fail(key) }
            try await recordFailure(name, address: address)
            throw AppError(.unauthenticated, "sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản bị khóa (wrong username or password)")
        }
        await platform.throttle.succeed(accountKey)
        await platform.throttle.succeed(pairKey)
        let issued = try await users.issueToken(for: user, kind: kind == .session ? .session : .api, lifetime: kind.lifetime)
        try await platform.transaction { sql in
            try await platform.record(user, "auth.login", entity: "user", id: String(user.id), detail: kind.rawValue, on: sql)
        }
        return SignedIn(user: user, kind: kind, token: issued.token, csrfToken: kind == .session ? issued.csrf : nil, lifetime: kind.lifetime)
    }

    private func recordFailure(_ name: String, address: String?) async throws {
        let known = try await platform.read { sql in try await users.find(username: name, on: sql) }
        let actor = String(name.prefix(64))
        _ = try await platform.transaction { sql in
            try await AuditLog.append([AuditLog.Change(userId: nil, actor: actor, action: "auth.failure",
                                                       entity: "user", entityId: known.map { String($0.id) } ?? "",
                                                       beforeDigest: nil, afterDigest: nil,
                                                       detail: "address=\(address ?? "unknown")")], on: sql, db: platform.db)
        }
    }

    /// The account and token kind of a secret, when it is valid. A session's secret is a cookie,
    /// never a bearer token, and the reverse: each works only the way it was issued.
    public func user(forToken token: String, kind: TokenKind) async throws -> (user: User, csrf: String?)? {
        do {
            guard let found = try await users.user(forToken: token), found.kind.rawValue == kind.rawValue else { return nil }
            return (found.user, found.csrf)
        } catch {
            throw AppError.from(error)
        }
    }

    public func signOut(_ user: User?, token: String) async throws {
        let user = try platform.require(user, .readUnits)
        try await users.revoke(token: token)
        try await platform.transaction { sql in
            try await platform.record(user, "auth.logout", entity: "user", id: String(user.id), on: sql)
        }
    }

    public func me(_ user: User?) throws -> User { try platform.require(user, .readUnits) }

    public func list(_ user: User?, limit: Int, offset: Int) async throws -> [User] {
        _ = try platform.require(user, .manageUsers)
        return try await platform.read { sql in try await users.list(limit: limit, offset: offset, on: sql) }
    }

    public struct NewUser: Sendable {
        public var username: String
        public var displayName: String
        public var password: String
        public var role: String
        public var scopeUnitId: Int?

        public init(username: String, displayName: String, password: String, role: String, scopeUnitId: Int?) {
            self.username = username
            self.displayName = displayName
            self.password = password
            self.role = role
            self.scopeUnitId = scopeUnitId
        }
    }

    /// Creates an account. `admin` nil is the command line run by the server's operator.
    public func create(_ new: NewUser, by admin: User?, operator isOperator: Bool = false) async throws -> User {
        let actor = isOperator ? nil : try platform.require(admin, .manageUsers)
        return try await insert(new, actor: actor, postOfficeId: nil)
    }

    /// Checks and stores a new account (the caller has decided who may create it).
    func insert(_ new: NewUser, actor: User?, postOfficeId: Int?) async throws -> User {
        let username = new.username.lowercased()
        guard username.range(of: Self.usernamePattern, options: .regularExpression) != nil else {
            throw AppError.invalid("tên đăng nhập gồm 3–64 chữ cái không dấu, chữ số và . _ -, bắt đầu bằng chữ hoặc số (username characters)", field: "/username")
        }
        let displayName: String
        do { displayName = try TextRules.clean(new.displayName, maxLength: Self.displayNameLimit) } catch {
            throw AppError.text(error, field: "/display_name", label: "họ tên")
        }
        let password = try PasswordPolicy.check(new.password, field: "/password")
        guard let role = Role(rawValue: new.role) else {
            throw AppError.invalid("vai trò không hợp lệ; dùng một trong: \(Role.allCases.map(\.rawValue).joined(separator: ", ")) (unknown role)", field: "/role")
        }
        let scopeId = try await scopeUnit(for: role, new.scopeUnitId)
        return try await platform.transaction { sql in
            if try await users.find(username: username, on: sql) != nil {
                throw AppError.conflict("tên đăng nhập \"\(username)\" đã được dùng (username taken; names are compared without case)", field: "/username")
            }
            let user = try await users.add(username: username, displayName: displayName, password: password, role: role,
                                           scopeUnitId: scopeId, postOfficeId: postOfficeId, on: sql)
            try await platform.recordUserState(actor, "user.create", userId: user.id, detail: "\(role.rawValue)", on: sql)
            return user
        }
    }

    private func scopeUnit(for role: Role, _ id: Int?) async throws -> Int? {
        if role.isNational { return nil }
        guard let id else { throw AppError.invalid("vai trò \(role.rawValue) cần đơn vị phạm vi (scope_unit_id)", field: "/scope_unit_id") }
        guard try await platform.store.units.find(id: id) != nil else {
            throw AppError.invalid("không có đơn vị \(id) (unknown unit)", field: "/scope_unit_id")
        }
        return id
    }

    /// Disables or re-enables an account; disabling ends its sessions.
    public func setDisabled(_ id: Int, _ disabled: Bool, by admin: User?, operator isOperator: Bool = false) async throws -> User {
        let actor = isOperator ? nil : try platform.require(admin, .manageUsers)
        return try await platform.transaction { sql in
            guard var user = try await users.find(id: id, on: sql) else { throw AppError.notFound("tài khoản \(id)") }
            if disabled, user.id == actor?.id { throw AppError.conflict("không thể tự khóa tài khoản của mình (cannot disable yourself)") }
            try await users.setDisabled(id, disabled, on: sql)
            try await platform.recordUserState(actor, disabled ? "user.disable" : "user.enable", userId: id, on: sql)
            user.disabled = disabled
            return user
        }
    }

    /// Sets a new password (an administrator's reset, or the operator's); the account's sessions end.
    public func resetPassword(_ id: Int, to password: String, by admin: User?, operator isOperator: Bool = false) async throws {
        let actor = isOperator ? nil : try platform.require(admin, .manageUsers)
        if let actor, actor.id == id {
            throw AppError.conflict("để đổi mật khẩu của chính mình, dùng /auth/password với mật khẩu hiện tại (change your own password with the current one)")
        }
        let checked = try PasswordPolicy.check(password, field: "/password")
        try await platform.transaction { sql in
            guard try await users.find(id: id, on: sql) != nil else { throw AppError.notFound("tài khoản \(id)") }
            try await users.setPassword(id, checked, on: sql)
            try await platform.recordUserState(actor, "user.password", userId: id, detail: "reset", on: sql)
        }
    }

    /// A signed-in user changes their own password, proving the current one.
    public func changeOwnPassword(_ user: User?, current: String, new: String) async throws {
        let user = try platform.require(user, .readUnits)
        guard let attempt = PasswordPolicy.attempt(current), try await users.authenticate(username: user.username, password: attempt) != nil else {
            throw AppError.invalid("mật khẩu hiện tại không đúng (the current password is wrong)", field: "/current_password")
        }
        let checked = try PasswordPolicy.check(new, field: "/new_password")
        try await platform.transaction { sql in
            try await users.setPassword(user.id, checked, on: sql)
            try await platform.recordUserState(user, "user.password", userId: user.id, detail: "own", on: sql)
        }
    }

    /// Every account, for the server's operator.
    public func all() async throws -> [User] {
        try await platform.read { sql in try await users.list(limit: 100_000, offset: 0, on: sql) }
    }

    /// An account by name (the command line names accounts).
    public func find(username: String) async throws -> User? {
        try await platform.read { sql in try await users.find(username: username, on: sql) }
    }
}
