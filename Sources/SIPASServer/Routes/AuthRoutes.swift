import Foundation
import Hummingbird
import SIPASCore
import SIPASStore

struct SessionView: Encodable {
    let token: String
    let csrfToken: String?
    let kind: String
    let user: User
}

func registerAuthRoutes(_ api: APIRoutes, _ services: Services) {
    api.add(.post, "/api/v1/auth/login", "Đăng nhập: phiên trình duyệt (cookie) hoặc mã API (sign in)", tag: "auth", action: nil,
            request: APISchemas.login, responses: [200, 401], returns: .ref("Session")) { request, _ in
        let body = try await JSONBody.read(request, schema: APISchemas.login)
        let username = try body.string("username")!, password = try body.string("password", maxLength: 200)!
        let kindName = try body.string("kind", required: false) ?? "api"
        guard let kind = UserRepository.TokenKind(rawValue: kindName) else {
            throw Problem.badRequest("kind phải là \"api\" hoặc \"session\" (kind must be api or session)", field: "/kind")
        }
        guard let user = try await services.users.authenticate(username: username, password: password) else {
            throw Problem(.unauthorized, "unauthenticated", "sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản bị khóa (wrong username or password)")
        }
        let lifetime: TimeInterval = kind == .session ? 8 * 3600 : 90 * 24 * 3600
        let issued = try await services.users.issueToken(for: user, kind: kind, lifetime: lifetime)
        try await services.db.transaction { sql in
            try await services.record(user, "auth.login", entity: "user", id: String(user.id), detail: kind.rawValue, on: sql)
        }
        var response = try JSONOutput.response(SessionView(token: issued.token, csrfToken: kind == .session ? issued.csrf : nil,
                                                           kind: kind.rawValue, user: user))
        if kind == .session {
            response.setCookie(.init(name: AuthMiddleware.cookieName, value: issued.token, maxAge: Int(lifetime), path: "/",
                                     secure: false, httpOnly: true, sameSite: .strict))
        }
        return response
    }

    api.add(.post, "/api/v1/auth/logout", "Đăng xuất: thu hồi mã hiện tại (sign out)", tag: "auth", action: .readUnits,
            responses: [204]) { request, context in
        let user = try context.require(.readUnits)
        let token = request.headers[.authorization].map { String($0.dropFirst("Bearer ".count)) } ?? request.cookies[AuthMiddleware.cookieName]?.value
        if let token { try await services.users.revoke(token: token) }
        try await services.db.transaction { sql in
            try await services.record(user, "auth.logout", entity: "user", id: String(user.id), on: sql)
        }
        return Response(status: .noContent)
    }

    api.add(.get, "/api/v1/auth/me", "Tài khoản đang đăng nhập (the signed-in account)", tag: "auth", action: .readUnits,
            returns: .ref("User")) { _, context in
        let user = try context.require(.readUnits)
        return try JSONOutput.response(user)
    }
}
