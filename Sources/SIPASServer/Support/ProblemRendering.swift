import Foundation
import Hummingbird
import NIOCore
import SIPASApp
import SIPASStore

/// The application's error as an RFC 9457 problem (`application/problem+json`): `type` is
/// `about:blank` (the status says what kind of problem it is), `code` the application's kind,
/// `field` the offending field, `errors` the first 100 problems of a refused file with `total`.
extension AppError {
    var status: HTTPResponse.Status {
        switch kind {
        case .malformed: return .badRequest
        case .invalid: return .unprocessableContent
        case .unauthenticated: return .unauthorized
        case .forbidden: return .forbidden
        case .notFound: return .notFound
        case .conflict: return .conflict
        case .invalidContent: return .unprocessableContent
        case .tooLarge: return .contentTooLarge
        case .throttled: return .tooManyRequests
        case .unavailable: return .serviceUnavailable
        case .storageFull: return .init(code: 507, reasonPhrase: "Insufficient Storage")
        }
    }

    func response() -> Response {
        Self.problem(status: status, code: kind.rawValue, detail: message, field: field, items: items, total: totalItems,
                     retryAfter: retryAfter)
    }

    static func problem(status: HTTPResponse.Status, code: String, detail: String, field: String? = nil, items: [Item] = [],
                        total: Int = 0, retryAfter: Int? = nil, headers extra: HTTPFields = [:]) -> Response {
        var body: [String: Any] = ["type": "about:blank", "title": status.reasonPhrase, "status": Int(status.code), "detail": detail,
                                   "code": code]
        if let field { body["field"] = field }
        if !items.isEmpty {
            body["errors"] = items.map { item -> [String: Any] in
                var e: [String: Any] = ["message": item.message]
                if let line = item.line { e["line"] = line }
                if let column = item.column { e["column"] = column }
                if let field = item.field { e["field"] = field }
                return e
            }
            body["total"] = total
        }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        var headers: HTTPFields = [.contentType: "application/problem+json; charset=utf-8"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error into a problem document; unexpected errors become a 500 without internals.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AppError {
            return error.response()
        } catch DatabaseError.busy {
            return AppError.busy().response()
        } catch let error as HTTPError {
            return httpProblem(error, request)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return AppError(.tooLarge, "nội dung gửi lên quá lớn (the request body is too large)").response()
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return AppError.problem(status: .internalServerError, code: "internal",
                                    detail: "lỗi máy chủ; thao tác không được thực hiện (internal error; nothing was changed)")
        }
    }

    private func httpProblem(_ error: HTTPError, _ request: Request) -> Response {
        if error.status == .notFound {
            let allowed = routes.methods(matching: request.uri.path)
            if !allowed.isEmpty {
                let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                return AppError.problem(status: .methodNotAllowed, code: "method-not-allowed",
                                        detail: "phương thức \(request.method.rawValue) không dùng được ở đây; dùng \(list) (method not allowed)",
                                        headers: [.allow: list])
            }
            return AppError.problem(status: .notFound, code: "not-found", detail: "không có trang hoặc tài nguyên này (no such resource)")
        }
        if error.status == .contentTooLarge {
            return AppError(.tooLarge, "nội dung gửi lên quá lớn (the request body is too large)").response()
        }
        return AppError.problem(status: error.status, code: "http", detail: error.body ?? error.status.reasonPhrase)
    }
}
