import Hummingbird

/// What every HTTP client may expect, before the router picks a route: HEAD answered wherever
/// GET is, with the same status and headers and no body; and `+` in a query string read as a
/// space, as HTML forms send it (`?q=van+quan`) — a literal plus is `%2B`.
public struct NormalisedRouter<Context: RequestContext>: HTTPResponderBuilder {
    let router: Router<Context>

    public func buildResponder() -> Responder { Responder(inner: router.buildResponder()) }

    public struct Responder: HTTPResponder {
        let inner: RouterResponder<Context>

        public func respond(to request: Request, context: Context) async throws -> Response {
            var head = request.head
            var changed = false
            if let path = head.path, let mark = path.firstIndex(of: "?"), path[mark...].contains("+") {
                head.path = String(path[..<mark]) + path[mark...].replacingOccurrences(of: "+", with: "%20")
                changed = true
            }
            let isHead = head.method == .head
            if isHead {
                head.method = .get
                changed = true
            }
            var response = try await inner.respond(to: changed ? Request(head: head, body: request.body) : request, context: context)
            if isHead {
                let length = response.body.contentLength
                response.body = ResponseBody()
                if let length { response.headers[.contentLength] = String(length) }
            }
            return response
        }
    }
}
