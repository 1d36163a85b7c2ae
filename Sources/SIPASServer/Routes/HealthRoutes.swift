import Foundation
import Hummingbird
import SIPASStore

func registerHealthRoutes(_ api: APIRoutes, _ services: Services) {
    api.router.get("/healthz") { _, _ -> Response in
        do {
            _ = try await services.db.read { try await $0.raw("SELECT 1 AS ok").all() }
            return try JSONOutput.raw(["status": "ok", "database": services.db.engine.rawValue])
        } catch {
            return try JSONOutput.raw(["status": "unavailable", "database": services.db.engine.rawValue], status: .serviceUnavailable)
        }
    }
    api.router.get("/metrics") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                 body: .init(byteBuffer: ByteBuffer(string: services.metrics.render())))
    }
    api.router.get("/api/v1/openapi.json") { _, _ -> Response in
        try JSONOutput.raw(OpenAPIDocument.make(api.all))
    }
}
