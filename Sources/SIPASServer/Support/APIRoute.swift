import Hummingbird
import SIPASCore

/// One route of the API, documented: the OpenAPI document is generated from the same table the
/// router is built from, so the two cannot drift apart.
struct APIRoute: Sendable {
    let method: HTTPRequest.Method
    /// OpenAPI form: `/api/v1/campaigns/{id}`.
    let path: String
    let summary: String
    let tag: String
    /// What the caller needs; nil for public routes.
    let action: Action?
    /// Media type of the request body, if any.
    let body: String?
    let responses: [Int]

    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : String(part)
        }.joined(separator: "/")
    }

    var pathParameters: [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }
}

/// Registers routes on the router and remembers them for the OpenAPI document.
final class APIRoutes: @unchecked Sendable {
    let router: Router<AppRequestContext>
    private(set) var all: [APIRoute] = []

    init(router: Router<AppRequestContext>) { self.router = router }

    func add(_ method: HTTPRequest.Method, _ path: String, _ summary: String, tag: String, action: Action?,
             body: String? = nil, responses: [Int] = [200], _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response) {
        let route = APIRoute(method: method, path: path, summary: summary, tag: tag, action: action, body: body, responses: responses)
        all.append(route)
        router.on(RouterPath(route.routerPath), method: method, use: handler)
    }
}
