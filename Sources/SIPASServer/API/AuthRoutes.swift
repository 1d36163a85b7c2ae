import Foundation
import Hummingbird
import SIPASApp
import SIPASCore

struct SessionView: Encodable {
    let token: String?
    let csrfToken: String?
    let kind: String
    let user: User
}

func registerAuthRoutes(_ api: APIRoutes, _ platform: Platform, trustProxy: Bool) {
    api.add(.post, "/api/v1/auth/login", "Đăng nhập: phiên trình duyệt (cookie) hoặc mã API (sign in)", tag: "auth", action: nil,
            request: APISchemas.login, responses: [200, 401, 429], returns: .ref("Session")) { request, context in
        let body = try await JSONBody.read(request, schema: APISchemas.login)
        let kindName = try body.string("kind", required: false) ?? "api"
        guard let kind = Accounts.TokenKind(rawValue: kindName) else {
            throw AppError.malformed("kind phải là \"api\" hoặc \"session\" (kind must be api or session)", field: "/kind")
        }
        let signedIn = try await platform.accounts.signIn(username: try body.string("username")!, password: try body.string("password")!,
                                                          kind: kind, from: context.peerAddress)
        // A browser session's secret travels in the HttpOnly cookie only: script on a page can never read it.
        var response = try JSONOutput.response(SessionView(token: kind == .api ? signedIn.token : nil, csrfToken: signedIn.csrfToken,
                                                           kind: kind.rawValue, user: signedIn.user))
        if kind == .session {
            response.setCookie(.init(name: AuthMiddleware.cookieName, value: signedIn.token, maxAge: Int(signedIn.lifetime), path: "/",
                                     secure: isSecure(request, trustProxy: trustProxy), httpOnly: true, sameSite: .strict))
        }
        return response
    }

    api.add(.post, "/api/v1/auth/logout", "Đăng xuất: thu hồi mã hiện tại (sign out)", tag: "auth", action: .readUnits,
            responses: [204]) { request, context in
        let token = request.headers[.authorization].map { String($0.dropFirst("Bearer ".count)) } ?? request.cookies[AuthMiddleware.cookieName]?.value
        try await platform.accounts.signOut(context.user, token: token ?? "")
        var response = Response(status: .noContent)
        if context.tokenKind == .session {
            response.setCookie(.init(name: AuthMiddleware.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
        }
        return response
    }

    api.add(.get, "/api/v1/auth/me", "Tài khoản đang đăng nhập (the signed-in account)", tag: "auth", action: .readUnits,
            returns: .ref("User")) { _, context in
        try JSONOutput.response(try platform.accounts.me(context.user))
    }

    api.add(.post, "/api/v1/auth/password", "Đổi mật khẩu của chính mình (change your password); các phiên khác kết thúc", tag: "auth",
            action: .readUnits, request: APISchemas.passwordChange, responses: [204]) { request, context in
        let body = try await JSONBody.read(request, schema: APISchemas.passwordChange)
        try await platform.accounts.changeOwnPassword(context.user, current: try body.string("current_password")!,
                                                      new: try body.string("new_password")!)
        return Response(status: .noContent)
    }
}
