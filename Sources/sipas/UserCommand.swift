import ArgumentParser
import Foundation
import SIPASCore
import SIPASServer
import SIPASStore

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Quản lý tài khoản (accounts): add, list, disable, reset-password.",
        subcommands: [Add.self, List.self, Disable.self, ResetPassword.self])

    /// The password from standard input (never an argument: it would show in the process list).
    static func readPassword() throws -> String {
        guard let line = readLine(strippingNewline: true), line.count >= 10 else {
            throw CLIFailure.usage("nhập mật khẩu (ít nhất 10 ký tự) qua đầu vào chuẩn, ví dụ: echo 'mật-khẩu-dài' | sipas user add … (password on stdin, 10+ characters)")
        }
        return line
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tạo tài khoản; mật khẩu đọc từ đầu vào chuẩn.")
        @Argument var username: String
        @Option var name: String
        @Option(help: "system-admin | ministry-analyst | province-admin | unit-viewer | enumerator | data-entry-clerk") var role: String
        @Option(help: "Mã số (id) đơn vị phạm vi, bắt buộc trừ vai trò cấp quốc gia.") var scope: Int?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw CLIFailure.usage("vai trò không hợp lệ: \(role); dùng \(Role.allCases.map(\.rawValue).joined(separator: ", "))") }
            if !role.isNational && scope == nil { throw CLIFailure.usage("vai trò \(role.rawValue) cần --scope (id đơn vị)") }
            let password = try UserCommand.readPassword()
            try await store.withStore { db in
                let users = UserRepository(db)
                let user: User = try await db.transaction { sql in
                    if try await users.find(username: username, on: sql) != nil { throw CLIFailure.data("tên đăng nhập \(username) đã được dùng") }
                    if let scope, try await UnitRepository(db).find(id: scope) == nil { throw CLIFailure.data("không có đơn vị \(scope)") }
                    let user = try await users.add(username: username, displayName: name, password: password, role: role, scopeUnitId: scope, on: sql)
                    try await AuditLog.append(on: sql, engine: db.engine, userId: nil, actor: "cli", action: "user.create", entity: "user",
                                              entityId: String(user.id), after: "\(username)|\(role.rawValue)")
                    return user
                }
                say("Đã tạo tài khoản \(user.username) (id \(user.id), \(user.role.label)).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liệt kê tài khoản.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withStore { db in
                let users = try await db.withConnection { try await UserRepository(db).list(limit: 10_000, offset: 0, on: $0) }
                for u in users {
                    say("\(u.id)\t\(u.username)\t\(u.role.rawValue)\t\(u.scopeUnitId.map(String.init) ?? "-")\t\(u.disabled ? "khóa" : "hoạt động")\t\(u.displayName)")
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Khóa tài khoản và thu hồi mọi phiên.")
        @Argument var username: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withStore { db in
                try await db.transaction { sql in
                    let users = UserRepository(db)
                    guard let user = try await users.find(username: username, on: sql) else { throw CLIFailure.data("không có tài khoản \(username)") }
                    try await users.setDisabled(user.id, true, on: sql)
                    try await AuditLog.append(on: sql, engine: db.engine, userId: nil, actor: "cli", action: "user.disable", entity: "user",
                                              entityId: String(user.id), before: "active", after: "disabled")
                }
                say("Đã khóa \(username).")
            }
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-password", abstract: "Đặt lại mật khẩu (đọc từ đầu vào chuẩn) và thu hồi mọi phiên.")
        @Argument var username: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let password = try UserCommand.readPassword()
            try await store.withStore { db in
                try await db.transaction { sql in
                    let users = UserRepository(db)
                    guard let user = try await users.find(username: username, on: sql) else { throw CLIFailure.data("không có tài khoản \(username)") }
                    try await users.setPassword(user.id, password, on: sql)
                    try await AuditLog.append(on: sql, engine: db.engine, userId: nil, actor: "cli", action: "user.reset-password", entity: "user", entityId: String(user.id))
                }
                say("Đã đặt lại mật khẩu của \(username).")
            }
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Nhật ký thay đổi: list, verify.", subcommands: [List.self, Verify.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Các mục mới nhất.")
        @Option var limit = 50
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withStore { db in
                for e in try await AuditLog(db).list(limit: limit, offset: 0) {
                    say("\(e.id)\t\(e.at)\t\(e.actor)\t\(e.action)\t\(e.entity):\(e.entityId)\t\(e.detail)")
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kiểm tra chuỗi băm: phát hiện mục bị sửa hoặc xóa (exit 65 nếu hỏng).")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withStore { db in
                let v = try await AuditLog(db).verify()
                if let broken = v.firstBroken {
                    throw CLIFailure.data("Nhật ký KHÔNG toàn vẹn: \(v.reason ?? "") — mục \(broken) (the audit log was tampered with)")
                }
                say("Nhật ký toàn vẹn: \(v.entries) mục, chuỗi băm khớp (the audit log is intact).")
            }
        }
    }
}
