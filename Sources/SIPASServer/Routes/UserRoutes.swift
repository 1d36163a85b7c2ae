import Foundation
import Hummingbird
import SIPASCore
import SIPASStore

func registerUserRoutes(_ api: APIRoutes, _ services: Services) {
    api.add(.get, "/api/v1/users", "Danh sách tài khoản (accounts)", tag: "users", action: .manageUsers,
            query: QueryParameter.paging, returns: APISchemas.page(of: "User")) { request, context in
        _ = try context.require(.manageUsers)
        let page = try Page(request)
        let items = try await services.db.read { try await services.users.list(limit: page.limit, offset: page.offset, on: $0) }
        return try JSONOutput.response(Paged(items: items, limit: page.limit, offset: page.offset))
    }

    api.add(.post, "/api/v1/users", "Tạo tài khoản (create an account)", tag: "users", action: .manageUsers,
            request: APISchemas.newUser, responses: [201], returns: .ref("User")) { request, context in
        let admin = try context.require(.manageUsers)
        let body = try await JSONBody.read(request, schema: APISchemas.newUser)
        let username = try body.string("username", maxLength: 64)!
        guard username.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw Problem.badRequest("tên đăng nhập chỉ gồm chữ, số và . _ - (username characters)", field: "/username")
        }
        let displayName = try body.string("display_name", maxLength: 200)!
        let password = try body.string("password", maxLength: 200)!
        guard password.count >= 10 else { throw Problem.badRequest("mật khẩu cần ít nhất 10 ký tự (password too short)", field: "/password") }
        guard let role = Role(rawValue: try body.string("role")!) else {
            throw Problem.badRequest("vai trò không hợp lệ; dùng một trong: \(Role.allCases.map(\.rawValue).joined(separator: ", ")) (unknown role)", field: "/role")
        }
        let scopeId = try body.integer("scope_unit_id", required: !role.isNational)
        if let scopeId, try await services.units.find(id: scopeId) == nil {
            throw Problem.badRequest("không có đơn vị \(scopeId) (unknown unit)", field: "/scope_unit_id")
        }
        let user: User = try await services.db.transaction { sql in
            if try await services.users.find(username: username, on: sql) != nil {
                throw Problem.conflict("tên đăng nhập \"\(username)\" đã được dùng (username taken)", field: "/username")
            }
            let user = try await services.users.add(username: username, displayName: displayName, password: password, role: role,
                                                    scopeUnitId: role.isNational ? nil : scopeId, on: sql)
            try await services.record(admin, "user.create", entity: "user", id: String(user.id),
                                      after: "\(username)|\(role.rawValue)|\(scopeId.map(String.init) ?? "")", on: sql)
            return user
        }
        return try JSONOutput.response(user, status: .created)
    }

    api.add(.post, "/api/v1/users/{id}/disable", "Khóa tài khoản và thu hồi các phiên (disable an account)", tag: "users", action: .manageUsers,
            returns: .ref("User")) { _, context in
        let admin = try context.require(.manageUsers)
        guard let id = context.parameters.get("id", as: Int.self) else { throw Problem.badRequest("mã tài khoản phải là số", field: "{id}") }
        let user: User = try await services.db.transaction { sql in
            guard var user = try await services.users.find(id: id, on: sql) else { throw Problem.notFound("tài khoản \(id)") }
            if user.id == admin.id { throw Problem.conflict("không thể tự khóa tài khoản của mình (cannot disable yourself)") }
            try await services.users.setDisabled(id, true, on: sql)
            try await services.record(admin, "user.disable", entity: "user", id: String(id), before: "active", after: "disabled", on: sql)
            user.disabled = true
            return user
        }
        return try JSONOutput.response(user)
    }
}
