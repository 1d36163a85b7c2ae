import Foundation
import Hummingbird
import SIPASApp
import SIPASCore

func registerUserRoutes(_ api: APIRoutes, _ platform: Platform) {
    api.add(.get, "/api/v1/users", "Danh sách tài khoản (accounts)", tag: "users", action: .manageUsers,
            query: QueryParameter.paging, returns: APISchemas.page(of: "User")) { request, context in
        let page = try Page(request)
        let items = try await platform.accounts.list(context.user, limit: page.limit, offset: page.offset)
        return try JSONOutput.response(Paged(items: items, limit: page.limit, offset: page.offset))
    }

    api.add(.post, "/api/v1/users", "Tạo tài khoản (create an account)", tag: "users", action: .manageUsers,
            request: APISchemas.newUser, responses: [201], returns: .ref("User")) { request, context in
        let body = try await JSONBody.read(request, schema: APISchemas.newUser)
        let user = try await platform.accounts.create(.init(username: try body.string("username")!, displayName: try body.string("display_name")!,
                                                            password: try body.string("password")!, role: try body.string("role")!,
                                                            scopeUnitId: try body.integer("scope_unit_id", required: false)), by: context.user)
        return try JSONOutput.response(user, status: .created)
    }

    api.add(.post, "/api/v1/users/{id}/disable", "Khóa tài khoản và thu hồi các phiên (disable an account)", tag: "users", action: .manageUsers,
            returns: .ref("User")) { _, context in
        try JSONOutput.response(try await platform.accounts.setDisabled(try intParameter(context, "id"), true, by: context.user))
    }

    api.add(.post, "/api/v1/users/{id}/enable", "Mở khóa tài khoản (enable an account)", tag: "users", action: .manageUsers,
            returns: .ref("User")) { _, context in
        try JSONOutput.response(try await platform.accounts.setDisabled(try intParameter(context, "id"), false, by: context.user))
    }

    api.add(.post, "/api/v1/users/{id}/password", "Đặt lại mật khẩu (reset a password); các phiên của tài khoản kết thúc", tag: "users",
            action: .manageUsers, request: APISchemas.passwordReset, responses: [204]) { request, context in
        let body = try await JSONBody.read(request, schema: APISchemas.passwordReset)
        try await platform.accounts.resetPassword(try intParameter(context, "id"), to: try body.string("password")!, by: context.user)
        return Response(status: .noContent)
    }
}

/// A numeric path parameter, or a 400 naming it.
func intParameter(_ context: AppRequestContext, _ name: String) throws -> Int {
    guard let text = context.parameters.get(name), let value = Int(text), value >= 1, value <= Int(Int32.max) else {
        throw AppError.malformed("{\(name)} phải là số nguyên dương (must be a positive integer)", field: "{\(name)}")
    }
    return value
}
