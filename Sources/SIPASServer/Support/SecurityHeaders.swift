import Hummingbird

/// Headers every reply carries: no sniffing of content types, no framing, no referrer, and — for
/// everything but the public documents — no caching, since replies carry personal data.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var contentSecurityPolicy: String { "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = response.headers[.contentSecurityPolicy] ?? Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        // The one reply that may be framed says so in its own policy (the widget).
        if response.headers[.contentSecurityPolicy]?.contains("frame-ancestors *") != true { response.headers[.init("X-Frame-Options")!] = "DENY" }
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        response.headers[.init("Cross-Origin-Opener-Policy")!] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
