import Foundation
import Hummingbird
import Synchronization

/// Request counters and latency histograms in the Prometheus text format (`/metrics`).
final class Metrics: Sendable {
    static let buckets: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct Series {
        var count = 0
        var sum = 0.0
        var buckets = [Int](repeating: 0, count: Metrics.buckets.count)
    }

    private let state = Mutex<[String: Series]>([:])

    func observe(method: String, route: String, status: Int, seconds: Double) {
        let key = "method=\"\(method)\",route=\"\(route)\",status=\"\(status)\""
        state.withLock { all in
            var s = all[key] ?? Series()
            s.count += 1
            s.sum += seconds
            for (i, b) in Self.buckets.enumerated() where seconds <= b { s.buckets[i] += 1 }
            all[key] = s
        }
    }

    func render() -> String {
        var out = "# HELP sipas_http_requests_total HTTP requests by method, route and status.\n# TYPE sipas_http_requests_total counter\n"
        let snapshot = state.withLock { $0 }
        for (key, s) in snapshot.sorted(by: { $0.key < $1.key }) { out += "sipas_http_requests_total{\(key)} \(s.count)\n" }
        out += "# HELP sipas_http_request_duration_seconds Request latency.\n# TYPE sipas_http_request_duration_seconds histogram\n"
        for (key, s) in snapshot.sorted(by: { $0.key < $1.key }) {
            for (i, b) in Self.buckets.enumerated() { out += "sipas_http_request_duration_seconds_bucket{\(key),le=\"\(b)\"} \(s.buckets[i])\n" }
            out += "sipas_http_request_duration_seconds_bucket{\(key),le=\"+Inf\"} \(s.count)\n"
            out += "sipas_http_request_duration_seconds_sum{\(key)} \(s.sum)\n"
            out += "sipas_http_request_duration_seconds_count{\(key)} \(s.count)\n"
        }
        return out
    }
}

/// Counts every request with the status it was answered with, errors included (it sits outside
/// the middleware that turns errors into problem documents).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: Metrics
    let routes: RouteTable

    /// Methods as labels, any unknown one as `other`: a client must not create series at will.
    static func label(_ method: HTTPRequest.Method) -> String {
        [.get, .head, .post, .put, .delete, .patch, .options].contains(method) ? method.rawValue : "other"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            metrics.observe(method: Self.label(request.method), route: routes.template(request.method, request.uri.path) ?? "unmatched",
                            status: 500, seconds: 0)
            throw error
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // Route templates, never concrete paths: no ids or personal data in labels.
        metrics.observe(method: Self.label(request.method), route: routes.template(request.method, request.uri.path) ?? "unmatched",
                        status: Int(response.status.code), seconds: seconds)
        return response
    }
}
