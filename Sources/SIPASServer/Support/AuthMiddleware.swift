import Foundation
import Hummingbird
import SIPASStore

/// Finds the user of a request: `Authorization: Bearer <token>` (API) or the `sipas_session`
/// cookie (browsers). Cookie-authenticated writes must carry the session's CSRF token in
/// `X-CSRF-Token`; bearer tokens are not sent by browsers on their own, so they need none.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let users: UserRepository
    static let cookieName = "sipas_session"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
            guard let found = try await users.user(forToken: token) else {
                throw Problem(.unauthorized, "unauthenticated", "mã truy cập không hợp lệ hoặc đã hết hạn (invalid or expired token)")
            }
            context.user = found.user
            context.tokenKind = .api
        } else if let cookie = request.cookies[Self.cookieName]?.value, let found = try await users.user(forToken: cookie) {
            context.user = found.user
            context.tokenKind = .session
            context.csrfToken = found.csrf
            if ![.get, .head, .options].contains(request.method) {
                let sent = request.headers.first { $0.name.canonicalName == "x-csrf-token" }?.value
                guard let sent, sent == found.csrf else {
                    throw Problem(.forbidden, "csrf", "thiếu hoặc sai mã chống giả mạo X-CSRF-Token (CSRF token missing or wrong)")
                }
            }
        }
        return try await next(request, context)
    }
}
