import Foundation
import Hummingbird
import SIPASApp

/// Finds the user of a request: `Authorization: Bearer <token>` (API tokens only) or the
/// `sipas_session` cookie (browser sessions only). Cookie-authenticated writes must carry the
/// session's CSRF token in `X-CSRF-Token`; bearer tokens are not sent by browsers on their own,
/// so they need none. The web's forms carry it as their `_csrf` field instead.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let accounts: Accounts
    let trustProxy: Bool
    static let cookieName = "sipas_session"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if trustProxy, let forwarded = request.headers[.init("X-Forwarded-For")!]?.split(separator: ",").first {
            context.peerAddress = forwarded.trimmingCharacters(in: .whitespaces)
        }
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
            guard let found = try await accounts.user(forToken: token, kind: .api) else {
                throw AppError(.unauthenticated, "mã truy cập không hợp lệ hoặc đã hết hạn (invalid or expired token)")
            }
            context.user = found.user
            context.tokenKind = .api
        } else if let cookie = request.cookies[Self.cookieName]?.value, let found = try await accounts.user(forToken: cookie, kind: .session) {
            context.user = found.user
            context.tokenKind = .session
            context.csrfToken = found.csrf
            // Web forms carry the token as a form field, checked where the form is read (WebForm).
            if ![.get, .head, .options].contains(request.method), request.uri.path.hasPrefix("/api/") {
                let sent = request.headers[.init("X-CSRF-Token")!]
                guard let sent, sent == found.csrf else {
                    throw AppError.forbidden("thiếu hoặc sai mã chống giả mạo X-CSRF-Token (CSRF token missing or wrong)")
                }
            }
        }
        return try await next(request, context)
    }
}

/// Whether the request reached us over TLS, directly or (when trusted) through a proxy.
func isSecure(_ request: Request, trustProxy: Bool) -> Bool {
    if request.uri.scheme == .https { return true }
    return trustProxy && request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https"
}
