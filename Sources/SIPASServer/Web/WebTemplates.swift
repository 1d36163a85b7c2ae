import Foundation
import Hummingbird
import Mustache
import SIPASApp
import SIPASReports

/// The screens' Mustache templates: shipped as resources, or read from `SIPAS_TEMPLATES` so that
/// a deployer can restyle or translate them without recompiling. `{{value}}` escapes HTML;
/// triple braces are kept for markup the server built itself (SVG charts, which escape their text).
final class WebTemplates: Sendable {
    private let library: MustacheLibrary
    /// The printed documents, rendered by the reports module (a screen may show one).
    let documents: DocumentTemplates

    init(directory: String? = nil) throws {
        let folder = directory ?? ProcessInfo.processInfo.environment["SIPAS_TEMPLATES"] ?? Self.bundled
        var templates: [String: MustacheTemplate] = [:]
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".mustache") }
        for file in files {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            templates[String(file.dropLast(".mustache".count))] = try MustacheTemplate(string: text)
        }
        library = MustacheLibrary(templates: templates)
        documents = try DocumentTemplates()
    }

    static var bundled: String { Bundle.module.resourcePath! + "/templates" }
    static var staticFiles: String { Bundle.module.resourcePath! + "/static" }
    func render(_ name: String, _ model: Any) -> String {
        if documents.has(name) { return documents.render(name, model) }
        return library.render(model, withTemplate: name) ?? "<!doctype html><title>Lỗi</title><p>Thiếu mẫu trang \(name)</p>"
    }

    func page(_ name: String, _ model: Any, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: render(name, model))))
    }
}
