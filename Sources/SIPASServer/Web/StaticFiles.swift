import Foundation
import Hummingbird
import SIPASReports

/// The screens' style sheet and images, from the resources (or `SIPAS_STATIC`).
extension WebScreens {
    func registerStaticFiles() {
        let folder = ProcessInfo.processInfo.environment["SIPAS_STATIC"] ?? WebTemplates.staticFiles
        let types = ["css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon"]
        router.get("/static/{file}") { _, context in
            // Names only, never paths: nothing outside the folder can be asked for.
            guard let name = context.parameters.get("file"), name.range(of: "^[a-z0-9-]+\\.[a-z]+$", options: .regularExpression) != nil,
                  let type = types[String(name.split(separator: ".").last!)],
                  // The print style sheet belongs to the printed documents.
                  let data = FileManager.default.contents(atPath: folder + "/" + name)
                    ?? (name.hasSuffix(".css") ? FileManager.default.contents(atPath: DocumentTemplates.bundled + "/" + name) : nil) else {
                throw HTTPError(.notFound)
            }
            return Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
