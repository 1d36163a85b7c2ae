import Foundation
import Hummingbird

/// An RFC 9457 problem: what went wrong, where (the offending field path), and how to fix it.
/// Every API error is one; the middleware renders it as `application/problem+json`.
public struct Problem: Error, Sendable, Codable, Equatable {
    public var status: Int
    public var title: String
    public var detail: String
    /// JSON-pointer-like path of the offending field (`/units/2/unit_id`), when there is one.
    public var field: String?
    /// Machine-readable kind (`validation`, `conflict`, …), as the `type` URI's last part.
    public var kind: String
    /// Further items (e.g. every problem of a refused file).
    public var errors: [Item]?

    public struct Item: Sendable, Codable, Equatable {
        public var line: Int?
        public var column: Int?
        public var field: String?
        public var message: String
    }

    public init(_ status: HTTPResponse.Status, _ kind: String, _ detail: String, field: String? = nil, errors: [Item]? = nil) {
        self.status = Int(status.code)
        title = status.reasonPhrase
        self.detail = detail
        self.field = field
        self.kind = kind
        self.errors = errors
    }

    public static func badRequest(_ detail: String, field: String? = nil) -> Problem { Problem(.badRequest, "validation", detail, field: field) }
    public static func unauthorized() -> Problem {
        Problem(.unauthorized, "unauthenticated", "cần đăng nhập: gửi \"Authorization: Bearer <token>\" hoặc cookie phiên (authentication required)")
    }
    public static func forbidden(_ detail: String = "tài khoản của bạn không có quyền thực hiện thao tác này (forbidden)") -> Problem {
        Problem(.forbidden, "forbidden", detail)
    }
    public static func notFound(_ what: String) -> Problem { Problem(.notFound, "not-found", "không tìm thấy \(what) (not found)") }
    public static func conflict(_ detail: String, field: String? = nil) -> Problem { Problem(.conflict, "conflict", detail, field: field) }

    func response() -> Response {
        var body: [String: Any] = ["type": "https://sipas.gov.vn/problems/\(kind)", "title": title, "status": status, "detail": detail]
        if let field { body["field"] = field }
        if let errors {
            body["errors"] = errors.map { item -> [String: Any] in
                var e: [String: Any] = ["message": item.message]
                if let line = item.line { e["line"] = line }
                if let column = item.column { e["column"] = column }
                if let field = item.field { e["field"] = field }
                return e
            }
        }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Response(status: .init(code: status), headers: [.contentType: "application/problem+json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error into a problem document; unexpected errors become a 500 without internals.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return problem.response()
        } catch let error as HTTPError {
            return Problem(error.status, "http", error.body ?? error.status.reasonPhrase).response()
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return Problem(.internalServerError, "internal", "lỗi máy chủ; thao tác không được thực hiện (internal error; nothing was changed)").response()
        }
    }
}
