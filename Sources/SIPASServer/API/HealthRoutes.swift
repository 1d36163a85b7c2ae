import Foundation
import Hummingbird
import SIPASApp

func registerHealthRoutes(_ api: APIRoutes, _ platform: Platform, metrics: Metrics) {
    api.table.addPlain(.get, "/healthz")
    api.router.get("/healthz") { _, _ -> Response in
        let reachable = await platform.storageIsReachable()
        return try JSONOutput.raw(["status": reachable ? "ok" : "unavailable", "database": platform.db.engine.rawValue],
                                  status: reachable ? .ok : .serviceUnavailable)
    }
    api.table.addPlain(.get, "/metrics")
    api.router.get("/metrics") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                 body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
    }
    api.table.addPlain(.get, "/api/v1/openapi.json")
    api.router.get("/api/v1/openapi.json") { _, _ -> Response in
        var response = try JSONOutput.raw(OpenAPIDocument.make(api.all))
        response.headers[.cacheControl] = "public, max-age=300"
        return response
    }
}
