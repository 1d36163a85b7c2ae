import Hummingbird
import SIPASApp
import Synchronization
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
    /// A public route that asks to sign in until its content is public (a draw before publication).
    var publicOnceReleased = false
    /// The media type of a file a route answers with (a draw's CSV), instead of JSON.
    var fileType: String?

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
    let table: RouteTable
    let platform: Platform
    private(set) var all: [APIRoute] = []

    init(router: Router<AppRequestContext>, table: RouteTable, platform: Platform) {
        self.router = router
        self.table = table
        self.platform = platform
    }

    func add(_ method: HTTPRequest.Method, _ path: String, _ summary: String, tag: String, action: Action?,
             body: String? = nil, request: APISchema? = nil, query: [QueryParameter] = [], responses: [Int] = [200],
             returns: APISchema? = nil, publicOnceReleased: Bool = false, fileType: String? = nil,
             _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response) {
        var route = APIRoute(method: method, path: path, summary: summary, tag: tag, action: action,
                             body: body ?? (request == nil ? nil : "application/json"), request: request, query: query,
                             responses: responses, returns: returns)
        route.publicOnceReleased = publicOnceReleased
        route.fileType = fileType
        all.append(route)
        table.add(route)
        // The use case checks again; asking first means nobody learns how a body would be
        // judged before being allowed to send one.
        let platform = platform
        router.on(RouterPath(route.routerPath), method: method) { request, context in
            if let action { try platform.authorize(context.user, action) }
            return try await handler(request, context)
        }
    }
}

/// Every documented route of a router: the OpenAPI document, the authorisation test, 405s with
/// `Allow`, and metrics by route template all read it.
public final class RouteTable: Sendable {
    private let routes = Mutex<[APIRoute]>([])
    /// Routes outside the API document (health, metrics, the document itself): for 405s and metrics.
    private let plain = Mutex<[(method: HTTPRequest.Method, path: String)]>([])

    func add(_ route: APIRoute) { routes.withLock { $0.append(route) } }
    func addPlain(_ method: HTTPRequest.Method, _ path: String) { plain.withLock { $0.append((method, path)) } }

    var all: [APIRoute] { routes.withLock { $0 } }

    private var templates: [(method: HTTPRequest.Method, path: String)] {
        routes.withLock { $0.map { ($0.method, $0.path) } } + plain.withLock { $0 }
    }

    /// The methods with a route whose template matches `path`.
    func methods(matching path: String) -> Set<HTTPRequest.Method> {
        Set(templates.filter { Self.matches($0.path, path) }.map(\.method))
    }

    /// The template of the route that serves `method` at `path` (metrics label routes by it:
    /// never a concrete path, which may hold ids).
    func template(_ method: HTTPRequest.Method, _ path: String) -> String? {
        templates.first { $0.method == method && Self.matches($0.path, path) }?.path
    }

    static func matches(_ template: String, _ path: String) -> Bool {
        let t = template.split(separator: "/", omittingEmptySubsequences: false)
        let p = path.split(separator: "/", omittingEmptySubsequences: false)
        guard t.count == p.count else { return false }
        return zip(t, p).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
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
        QueryParameter("limit", .integer(1...500), "1–500, default 50"),
        QueryParameter("offset", .integer(0...Int(Int32.max)), "default 0"),
    ]
}
