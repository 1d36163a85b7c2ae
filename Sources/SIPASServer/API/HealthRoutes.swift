import Foundation
import Hummingbird
import SIPASApp
import SIPASCore

func registerHealthRoutes(_ api: APIRoutes, _ platform: Platform, metrics: Metrics) {
    api.table.addPlain(.get, "/healthz")
    api.router.get("/healthz") { _, _ -> Response in
        let reachable = await platform.storageIsReachable()
        // Reads still work when the disk is full, but nothing can be stored: not healthy.
        let refused = platform.db.writesRefused
        return try JSONOutput.raw(["status": !reachable ? "unavailable" : refused ? "writes-refused" : "ok", "database": platform.db.engine.rawValue,
                                   "writes": refused ? "refused: storage full" : "accepted"],
                                  status: reachable && !refused ? .ok : .serviceUnavailable)
    }
    api.table.addPlain(.get, "/metrics")
    api.router.get("/metrics") { request, context -> Response in
        // Request counts and latencies by route tell an outsider what is being done: only for the
        // monitoring system (its token) or a system administrator.
        guard MetricsAccess.allows(request, user: context.user) else { throw AppError.notFound("trang này") }
        let storage = "# HELP sipas_storage_writes_refused 1 while storage refuses writes (disk full)\n# TYPE sipas_storage_writes_refused gauge\nsipas_storage_writes_refused \(platform.db.writesRefused ? 1 : 0)\n"
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                        body: .init(byteBuffer: ByteBuffer(string: metrics.render() + storage)))
    }
    api.table.addPlain(.get, "/api/v1/openapi.json")
    api.router.get("/api/v1/openapi.json") { _, _ -> Response in
        var response = try JSONOutput.raw(OpenAPIDocument.make(api.all))
        response.headers[.cacheControl] = "public, max-age=300"
        return response
    }
}

/// `/metrics` answers a bearer token equal to `SIPAS_METRICS_TOKEN` (compared in constant time)
/// or a signed-in system administrator; anyone else finds nothing there.
enum MetricsAccess {
    static let token = ProcessInfo.processInfo.environment["SIPAS_METRICS_TOKEN"].flatMap { $0.count >= 16 ? $0 : nil }

    static func allows(_ request: Request, user: User?) -> Bool {
        if user?.role == .systemAdmin { return true }
        guard let token, let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        let given = Array(header.dropFirst(7).utf8), expected = Array(token.utf8)
        guard given.count == expected.count else { return false }
        return zip(given, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
