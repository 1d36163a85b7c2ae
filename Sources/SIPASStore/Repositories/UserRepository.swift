import Crypto
import Foundation
import HummingbirdBcrypt
import SIPASCore
import SQLKit


/// Accounts (bcrypt-hashed passwords) and their sessions and API tokens (stored as SHA-256 hashes).
public struct UserRepository: Sendable {
    let db: Database
    /// bcrypt cost: 12 in production (~0.25 s per check); tests may lower it.
    let cost: UInt8

    public init(_ db: Database, bcryptCost: UInt8 = 12) {
        self.db = db
        cost = bcryptCost
    }

    static let columns = "id, username, display_name, role, scope_unit_id, disabled, created_at, post_office_id"

    static func decode(_ row: any SQLRow) throws -> User {
        let roleName = try row.decode(column: "role", as: String.self)
        return User(id: try row.decode(column: "id", as: Int.self), username: try row.decode(column: "username", as: String.self),
                    displayName: try row.decode(column: "display_name", as: String.self), role: Role(rawValue: roleName) ?? .unitViewer,
                    scopeUnitId: try row.decode(column: "scope_unit_id", as: Int?.self),
                    disabled: try row.decode(column: "disabled", as: Int.self) != 0,
                    createdAt: try row.decode(column: "created_at", as: String.self),
                    postOfficeId: try row.decode(column: "post_office_id", as: Int?.self))
    }

    public func hash(password: String) -> String { Bcrypt.hash(password, cost: cost) }

    public func add(username: String, displayName: String, password: String, role: Role, scopeUnitId: Int?, postOfficeId: Int? = nil,
                    on sql: any SQLDatabase) async throws -> User {
        let row = try await sql.raw("""
            INSERT INTO users (username, display_name, password_hash, role, scope_unit_id, disabled, created_at, post_office_id)
            VALUES (\(bind: username), \(bind: displayName), \(bind: hash(password: password)), \(bind: role.rawValue),
                    \(bind: scopeUnitId), 0, \(bind: Timestamp.now()), \(bind: postOfficeId))
            RETURNING \(unsafeRaw: Self.columns)
            """).first()
        return try Self.decode(row!)
    }

    /// An account by name, whatever its case.
    public func find(username: String, on sql: any SQLDatabase) async throws -> User? {
        try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM users WHERE lower(username) = lower(\(bind: username))").first().map(Self.decode)
    }

    /// What the audit log records of an account after every change to it: verification finds a
    /// role, scope, status or password changed outside the application.
    static func stateText(id: Int, username: String, role: String, scopeUnitId: Int?, disabled: Int, passwordHash: String,
                          postOfficeId: Int?) -> String {
        // The post office (it decides which cases a supervisor reaches) is appended only when
        // there is one, so that the digests recorded before it existed still verify.
        ([String(id), username, role, scopeUnitId.map(String.init) ?? "", String(disabled), passwordHash] + (postOfficeId.map { ["po", String($0)] } ?? []))
            .map { "\($0.utf8.count):\($0)" }.joined()
    }

    static func stateDigests(on sql: any SQLDatabase, id: Int? = nil) async throws -> [Int: String] {
        var query = SQLQueryString("SELECT id, username, role, scope_unit_id, disabled, password_hash, post_office_id FROM users")
        if let id { query.appendInterpolation(unsafeRaw: " WHERE id = "); query.appendInterpolation(bind: id) }
        var out: [Int: String] = [:]
        for row in try await sql.raw(query).all() {
            let id = try row.decode(column: "id", as: Int.self)
            out[id] = SHA256Hex.of(stateText(id: id, username: try row.decode(column: "username", as: String.self),
                                             role: try row.decode(column: "role", as: String.self),
                                             scopeUnitId: try row.decode(column: "scope_unit_id", as: Int?.self),
                                             disabled: try row.decode(column: "disabled", as: Int.self),
                                             passwordHash: try row.decode(column: "password_hash", as: String.self),
                                             postOfficeId: try row.decode(column: "post_office_id", as: Int?.self)))
        }
        return out
    }

    /// The digest of an account's state as it stands in the caller's transaction.
    public func stateDigest(id: Int, on sql: any SQLDatabase) async throws -> String? {
        try await Self.stateDigests(on: sql, id: id)[id]
    }

    public func find(id: Int, on sql: any SQLDatabase) async throws -> User? {
        try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM users WHERE id = \(bind: id)").first().map(Self.decode)
    }

    public func list(limit: Int, offset: Int, on sql: any SQLDatabase) async throws -> [User] {
        try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM users ORDER BY id LIMIT \(bind: limit) OFFSET \(bind: offset)")
            .all().map(Self.decode)
    }

    public func setDisabled(_ id: Int, _ disabled: Bool, on sql: any SQLDatabase) async throws {
        db.changedCachedRows()
        try await sql.raw("UPDATE users SET disabled = \(bind: disabled ? 1 : 0) WHERE id = \(bind: id)").run()
        if disabled { try await sql.raw("DELETE FROM sessions WHERE user_id = \(bind: id)").run() }
    }

    /// Changes role and scope; the account's sessions end (what they allowed has changed).
    public func setRole(_ id: Int, role: Role, scopeUnitId: Int?, on sql: any SQLDatabase) async throws {
        db.changedCachedRows()
        try await sql.raw("UPDATE users SET role = \(bind: role.rawValue), scope_unit_id = \(bind: scopeUnitId) WHERE id = \(bind: id)").run()
        try await sql.raw("DELETE FROM sessions WHERE user_id = \(bind: id)").run()
    }

    /// Makes the account a member of a post office; its sessions end (what it reaches has changed).
    public func setPostOffice(_ id: Int, _ postOfficeId: Int?, on sql: any SQLDatabase) async throws {
        db.changedCachedRows()
        try await sql.raw("UPDATE users SET post_office_id = \(bind: postOfficeId) WHERE id = \(bind: id)").run()
        try await sql.raw("DELETE FROM sessions WHERE user_id = \(bind: id)").run()
    }

    public func setPassword(_ id: Int, _ password: String, on sql: any SQLDatabase) async throws {
        db.changedCachedRows()
        try await sql.raw("UPDATE users SET password_hash = \(bind: hash(password: password)) WHERE id = \(bind: id)").run()
        try await sql.raw("DELETE FROM sessions WHERE user_id = \(bind: id)").run()
    }

    /// The user, when the password matches and the account is active. Runs bcrypt even for an
    /// unknown name, so timing does not tell which names exist.
    public func authenticate(username: String, password: String) async throws -> User? {
        let found: (User, String)? = try await db.read { sql in
            guard let row = try await sql.raw("SELECT \(unsafeRaw: Self.columns), password_hash FROM users WHERE lower(username) = lower(\(bind: username))").first() else {
                return nil
            }
            return (try Self.decode(row), try row.decode(column: "password_hash", as: String.self))
        }
        let hash = found?.1 ?? "$2b$12$C6UzMDM.H6dfI/f/IKxGhuF5Ybu2qKpMzPEE4bLaIzWnIqjJzDXyO"
        guard Bcrypt.verify(password, hash: hash), let user = found?.0, !user.disabled else { return nil }
        return user
    }

    // MARK: Sessions and tokens

    public enum TokenKind: String, Sendable { case session, api }

    /// Opens a session (browser cookie) or an API token; returns the secret, shown once.
    public func issueToken(for user: User, kind: TokenKind, lifetime: TimeInterval) async throws -> (token: String, csrf: String) {
        let token = Self.randomToken(), csrf = Self.randomToken()
        let hash = Self.digest(token), expires = Timestamp.string(Date().addingTimeInterval(lifetime))
        let seal = sessionSeal(hash: hash, userId: user.id, kind: kind.rawValue, expiresAt: expires)
        try await db.withConnection { sql in
            try await sql.raw("""
                INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at, seal)
                VALUES (\(bind: hash), \(bind: user.id), \(bind: kind.rawValue), \(bind: csrf),
                        \(bind: Timestamp.now()), \(bind: expires), \(bind: seal))
                """).run()
        }
        return (token, csrf)
    }

    /// A signed-in user as a token names it.
    public struct Session: Sendable {
        public var user: User
        public var kind: TokenKind
        public var csrf: String?
        public var expiresAt: String
    }

    /// The active user of a token, with its session's CSRF token.
    public func user(forToken token: String) async throws -> (user: User, kind: TokenKind, csrf: String?)? {
        let key = Self.digest(token)
        let session: Session?
        if let cached = db.sessionCache.get(key) {
            session = cached
        } else {
            session = try await db.read { sql in
                guard let row = try await sql.raw("""
                    SELECT u.id, u.username, u.display_name, u.role, u.scope_unit_id, u.disabled, u.created_at, u.post_office_id, s.kind, s.csrf_token, s.expires_at, s.seal
                    FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = \(bind: key)
                    """).first() else { return nil }
                // A row planted without the key (a session for an administrator) opens nothing.
                let seal = try row.decode(column: "seal", as: String?.self)
                guard seal == sessionSeal(hash: key, userId: try row.decode(column: "id", as: Int.self),
                                          kind: try row.decode(column: "kind", as: String.self),
                                          expiresAt: try row.decode(column: "expires_at", as: String.self)) else { return nil }
                return Session(user: try Self.decode(row), kind: TokenKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .api,
                               csrf: try row.decode(column: "csrf_token", as: String?.self),
                               expiresAt: try row.decode(column: "expires_at", as: String.self))
            }
            if let session, !db.isWriting { db.sessionCache.set(key, session) }
        }
        guard let session, !session.user.disabled, session.expiresAt > Timestamp.now() else { return nil }
        return (session.user, session.kind, session.csrf)
    }

    public func revoke(token: String) async throws {
        db.changedCachedRows()
        try await db.withConnection { sql in
            try await sql.raw("DELETE FROM sessions WHERE token_hash = \(bind: Self.digest(token))").run()
        }
        db.changedCachedRows()
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    func sessionSeal(hash: String, userId: Int, kind: String, expiresAt: String) -> String {
        db.auditSeal.mac("session|\(hash)|\(userId)|\(kind)|\(expiresAt)")
    }

    static func digest(_ token: String) -> String {
        SHA256Hex.of(token)
    }
}
