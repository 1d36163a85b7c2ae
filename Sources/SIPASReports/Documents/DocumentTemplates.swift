import Foundation
import Mustache

/// The printed documents' templates (the report, and the fieldwork's lists and forms) with their
/// print style sheet: shipped as resources, each replaceable by a file of the same name in
/// `SIPAS_TEMPLATES` (templates) or `SIPAS_STATIC` (the style sheet), so that a deployer can
/// restyle or translate them without recompiling. `{{value}}` escapes HTML.
public final class DocumentTemplates: Sendable {
    private let library: MustacheLibrary

    public init() throws {
        var templates: [String: MustacheTemplate] = [:]
        let environment = ProcessInfo.processInfo.environment
        for folder in [Self.bundled, environment["SIPAS_TEMPLATES"]].compactMap({ $0 }) {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for file in files where file.hasSuffix(".mustache") && Self.names.contains(String(file.dropLast(".mustache".count))) {
                let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
                templates[String(file.dropLast(".mustache".count))] = try MustacheTemplate(string: text)
            }
        }
        library = MustacheLibrary(templates: templates)
    }

    /// The documents this module prints (a deployer's folder of screens may hold others).
    static var names: Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: bundled)) ?? []).filter { $0.hasSuffix(".mustache") }
            .map { String($0.dropLast(".mustache".count)) })
    }

    public static var bundled: String { Bundle.module.resourcePath! + "/documents" }

    /// The report's print style sheet, for a document printed or saved on its own.
    public static var printStyle: String { style(named: "report.css") }

    /// A document's style sheet, a deployer's copy first.
    public static func style(named name: String) -> String {
        let folders = [ProcessInfo.processInfo.environment["SIPAS_STATIC"], bundled].compactMap { $0 }
        for folder in folders {
            if let text = try? String(contentsOfFile: folder + "/" + name, encoding: .utf8) { return text }
        }
        return ""
    }

    public func render(_ name: String, _ model: Any) -> String {
        library.render(model, withTemplate: name) ?? "<!doctype html><title>Lỗi</title><p>Thiếu mẫu tài liệu \(name)</p>"
    }

    /// Whether `name` is one of the printed documents (the screens render the others).
    public func has(_ name: String) -> Bool { library.getTemplate(named: name) != nil }
}
