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
    /// The JSON request body's schema (the handler reads the body by it).
    let request: APISchema?
    let query: [QueryParameter]
    let responses: [Int]
    /// The JSON body of a success response.
    let returns: APISchema?

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
             body: String? = nil, request: APISchema? = nil, query: [QueryParameter] = [], responses: [Int] = [200],
             returns: APISchema? = nil, _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response) {
        let route = APIRoute(method: method, path: path, summary: summary, tag: tag, action: action,
                             body: body ?? (request == nil ? nil : "application/json"), request: request, query: query,
                             responses: responses, returns: returns)
        all.append(route)
        router.on(RouterPath(route.routerPath), method: method, use: handler)
    }
}

/// A query parameter of a route, for the OpenAPI document.
struct QueryParameter: Sendable {
    let name: String
    let schema: APISchema
    let description: String

    init(_ name: String, _ schema: APISchema, _ description: String) {
        self.name = name
        self.schema = schema
        self.description = description
    }

    static let paging = [
        QueryParameter("limit", .integer, "1–500, default 50"),
        QueryParameter("offset", .integer, "default 0"),
    ]
}
