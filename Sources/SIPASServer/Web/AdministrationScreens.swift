import Foundation
import Hummingbird
import SIPASApp
import SIPASReports
import SIPASCore
import SIPASStore

/// The system administrator's screens: accounts (create with role and scope, disable, enable,
/// reset a password) and the audit log (filters, and verification of the sealed chain).
extension WebScreens {
    func registerAdministrationScreens() {
        page("/users") { request, context, user in
            let page = try await UsersPage.make(platform, user: user, csrf: context.csrfToken, message: Self.query(request, "message"))
            return templates.page("users", page)
        }
        form("/users") { _, context, user, form in
            let scope = form["scope_code"].flatMap { $0.isEmpty ? nil : $0 }
            do {
                var unitId: Int?
                if let scope { unitId = try await platform.unitRegister.unit(code: scope, registerName: form["scope_register"] ?? "2025", by: user).id }
                _ = try await platform.accounts.create(.init(username: form["username"] ?? "", displayName: form["display_name"] ?? "",
                                                             password: form["password"] ?? "", role: form["role"] ?? "", scopeUnitId: unitId), by: user)
                return Self.redirect("/users?message=created")
            } catch let error as AppError where error.kind == .invalid || error.kind == .conflict {
                var page = try await UsersPage.make(platform, user: user, csrf: context.csrfToken, message: nil)
                page.formError = WebMessage.vietnamese(error.message)
                page.username = form["username"] ?? ""
                page.displayName = form["display_name"] ?? ""
                page.scopeCode = scope ?? ""
                return templates.page("users", page, status: error.status)
            }
        }
        form("/users/{id}/disabled") { _, context, user, form in
            _ = try await platform.accounts.setDisabled(try Self.id(context), form["disabled"] == "true", by: user)
            return Self.redirect("/users?message=saved")
        }
        form("/users/{id}/password") { _, context, user, form in
            do {
                try await platform.accounts.resetPassword(try Self.id(context), to: form["password"] ?? "", by: user)
            } catch let error as AppError where error.kind == .invalid || error.kind == .conflict {
                var page = try await UsersPage.make(platform, user: user, csrf: context.csrfToken, message: nil)
                page.formError = WebMessage.vietnamese(error.message)
                return templates.page("users", page, status: error.status)
            }
            return Self.redirect("/users?message=password")
        }
        page("/audit") { request, context, user in
            let filter = AuditLog.Filter(entity: Self.query(request, "entity"), action: Self.query(request, "action"), actor: Self.query(request, "actor"),
                                         since: Self.query(request, "since"), until: Self.query(request, "until"))
            let entries = try await platform.audit.list(by: user, filter: filter, limit: 200, offset: 0)
            let verification = Self.query(request, "verify") == "1" ? try await platform.audit.verify(by: user) : nil
            return templates.page("audit", AuditPage(entries: entries, filter: filter, verification: verification, user: user, csrf: context.csrfToken))
        }
    }
}

struct UsersPage: Sendable {
    struct Line: Sendable {
        var id: Int
        var username: String
        var displayName: String
        var roleLabel: String
        var scope: String
        var disabled: Bool
        var isSelf: Bool
        var created: String
    }

    struct Option: Sendable {
        var value: String
        var label: String
    }

    var chrome: Chrome
    var lines: [Line]
    var roles = Role.allCases.map { Option(value: $0.rawValue, label: $0.label) }
    var notice: String?
    var formError: String?
    var username = ""
    var displayName = ""
    var scopeCode = ""
    var minimumLength = PasswordPolicy.minimumCharacters

    static func make(_ platform: Platform, user: User, csrf: String?, message: String?) async throws -> UsersPage {
        let users = try await platform.accounts.list(user, limit: 500, offset: 0)
        var lines: [Line] = []
        for u in users {
            var scope: AdminUnit?
            if let id = u.scopeUnitId { scope = try await platform.unitRegister.unit(id, by: user) }
            lines.append(Line(id: u.id, username: u.username, displayName: u.displayName, roleLabel: u.role.label,
                              scope: scope.map { "\($0.name) (\($0.code))" } ?? "toàn quốc", disabled: u.disabled, isSelf: u.id == user.id,
                              created: VietnameseFormat.date(u.createdAt)))
        }
        let notices = ["created": "Đã tạo tài khoản.", "saved": "Đã lưu.", "password": "Đã đặt mật khẩu mới; các phiên của tài khoản đó đã kết thúc."]
        return UsersPage(chrome: Chrome(title: "Tài khoản", user: user, csrf: csrf, section: "users"), lines: lines,
                         notice: message.flatMap { notices[$0] })
    }
}

struct AuditPage: Sendable {
    struct Line: Sendable {
        var id: Int
        var at: String
        var actor: String
        var action: String
        var entity: String
        var detail: String
    }

    var chrome: Chrome
    var lines: [Line]
    var entity: String
    var action: String
    var actor: String
    var since: String
    var until: String
    var verified: Bool
    var intact: Bool
    var entries: String
    var problems: [String]

    init(entries: [AuditLog.Entry], filter: AuditLog.Filter, verification: AuditLog.Verification?, user: User, csrf: String?) {
        chrome = Chrome(title: "Nhật ký kiểm toán", user: user, csrf: csrf, section: "audit")
        lines = entries.map { Line(id: $0.id, at: VietnameseFormat.dateTime($0.at), actor: $0.actor, action: $0.action,
                                   entity: $0.entityId.isEmpty ? $0.entity : "\($0.entity) \($0.entityId)", detail: $0.detail) }
        entity = filter.entity ?? ""
        action = filter.action ?? ""
        actor = filter.actor ?? ""
        since = filter.since ?? ""
        until = filter.until ?? ""
        verified = verification != nil
        intact = verification?.intact ?? false
        self.entries = VietnameseFormat.count(verification?.entries ?? 0)
        problems = verification?.problems ?? []
    }
}
