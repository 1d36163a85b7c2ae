import ArgumentParser
import Foundation
import SIPASApp
import SIPASCore

/// Accounts, managed by the server's operator (who needs no account): the same use cases and
/// rules as the API, recorded in the audit log as `system`.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Quản lý tài khoản (accounts): add, list, disable, enable, reset-password.",
        subcommands: [Add.self, List.self, Disable.self, Enable.self, ResetPassword.self])

    /// The password from standard input (never an argument: it would show in the process list).
    static func readPassword() throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CLIFailure.usage("nhập mật khẩu (10 ký tự đến 72 byte) qua đầu vào chuẩn, ví dụ: echo 'mật-khẩu-dài' | sipas user add … (password on stdin)")
        }
        return line
    }

    static func account(_ username: String, _ platform: Platform) async throws -> User {
        guard let user = try await platform.accounts.find(username: username) else { throw CLIFailure.noInput("không có tài khoản \(username)") }
        return user
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tạo tài khoản; mật khẩu đọc từ đầu vào chuẩn.")
        @Argument var username: String
        @Option var name: String
        @Option(help: "system-admin | ministry-analyst | province-admin | unit-viewer | enumerator | data-entry-clerk") var role: String
        @Option(help: "Mã số (id) đơn vị phạm vi, bắt buộc trừ vai trò cấp quốc gia.") var scope: Int?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let password = try UserCommand.readPassword()
            try await store.withPlatform { platform in
                let user = try await platform.accounts.create(.init(username: username, displayName: name, password: password, role: role,
                                                                    scopeUnitId: scope), by: nil, operator: true)
                say("Đã tạo tài khoản \(user.username) (id \(user.id), \(user.role.label)).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liệt kê tài khoản.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withPlatform { platform in
                for u in try await platform.accounts.all() {
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
            try await store.withPlatform { platform in
                _ = try await platform.accounts.setDisabled(try await UserCommand.account(username, platform).id, true, by: nil, operator: true)
                say("Đã khóa \(username).")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mở khóa tài khoản.")
        @Argument var username: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withPlatform { platform in
                _ = try await platform.accounts.setDisabled(try await UserCommand.account(username, platform).id, false, by: nil, operator: true)
                say("Đã mở khóa \(username).")
            }
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-password", abstract: "Đặt lại mật khẩu (đọc từ đầu vào chuẩn) và thu hồi mọi phiên.")
        @Argument var username: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let password = try UserCommand.readPassword()
            try await store.withPlatform { platform in
                try await platform.accounts.resetPassword(try await UserCommand.account(username, platform).id, to: password, by: nil, operator: true)
                say("Đã đặt lại mật khẩu của \(username).")
            }
        }
    }
}
