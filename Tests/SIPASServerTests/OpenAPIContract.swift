import Foundation
@testable import SIPASServer

/// The published OpenAPI document, used to check every reply the tests receive: its status must
/// be documented for the route, and a JSON body must match the documented schema — no missing
/// required field, no undocumented one, every value of its documented type.
final class OpenAPIContract: @unchecked Sendable {
    private let document: [String: Any]
    private var schemas: [String: Any] { (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:] }

    init(_ json: String) {
        document = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
    }

    /// What is wrong with a reply, if anything.
    func problems(method: String, uri: String, status: Int, contentType: String?, body: String) -> [String] {
        let path = String(uri.split(separator: "?", maxSplits: 1).first ?? "")
        guard let (template, operation) = operation(method.lowercased(), path) else { return [] }
        let responses = operation["responses"] as? [String: Any] ?? [:]
        guard let response = responses[String(status)] as? [String: Any] else {
            return ["\(method) \(template): status \(status) is not documented"]
        }
        guard let contentType, contentType.contains("json") else { return [] }
        let media = contentType.split(separator: ";").first.map(String.init) ?? contentType
        guard let schema = ((response["content"] as? [String: Any])?[media] as? [String: Any])?["schema"] as? [String: Any] else {
            return ["\(method) \(template) \(status): media type \(media) is not documented"]
        }
        let value: JSONValue
        do {
            var bytes = Array(body.utf8)
            value = try bytes.withUnsafeMutableBufferPointer { try JSONParser.parse(UnsafeBufferPointer($0)) }
        } catch {
            return ["\(method) \(template) \(status): the body is not JSON"]
        }
        var problems: [String] = []
        check(value, schema, at: "\(method) \(template) \(status) body", &problems)
        return problems
    }

    private func operation(_ method: String, _ path: String) -> (String, [String: Any])? {
        let parts = path.split(separator: "/")
        for (template, item) in document["paths"] as? [String: Any] ?? [:] {
            let pattern = template.split(separator: "/")
            guard pattern.count == parts.count,
                  zip(pattern, parts).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }),
                  let operation = (item as? [String: Any])?[method] as? [String: Any] else { continue }
            return (template, operation)
        }
        return nil
    }

    private func check(_ value: JSONValue, _ schema: [String: Any], at path: String, _ problems: inout [String]) {
        if let ref = schema["$ref"] as? String {
            guard let target = schemas[String(ref.split(separator: "/").last ?? "")] as? [String: Any] else {
                problems.append("\(path): unknown \(ref)")
                return
            }
            return check(value, target, at: path, &problems)
        }
        if let branches = schema["oneOf"] as? [[String: Any]] {
            let matching = branches.filter { branch in
                var inner: [String] = []
                check(value, branch, at: path, &inner)
                return inner.isEmpty
            }
            if matching.count != 1 { problems.append("\(path): matches \(matching.count) of oneOf") }
            return
        }
        let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !types.isEmpty && !types.contains(where: { Self.has(value, type: $0) }) {
            problems.append("\(path): \(value.typeName) where \(types.joined(separator: " or ")) is documented")
            return
        }
        if let allowed = schema["enum"] as? [String], case let .string(s) = value, !allowed.contains(s) {
            problems.append("\(path): \"\(s)\" is not one of \(allowed)")
        }
        switch value {
        case let .array(items):
            if let itemSchema = schema["items"] as? [String: Any] {
                for (i, item) in items.enumerated() { check(item, itemSchema, at: "\(path)/\(i)", &problems) }
            }
        case let .object(members):
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where members[name] == nil {
                problems.append("\(path): required \"\(name)\" is missing")
            }
            for (name, member) in members {
                if let property = properties[name] as? [String: Any] {
                    check(member, property, at: "\(path)/\(name)", &problems)
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    check(member, additional, at: "\(path)/\(name)", &problems)
                } else if schema["additionalProperties"] as? Bool == false {
                    problems.append("\(path): \"\(name)\" is not documented")
                }
            }
        default:
            break
        }
    }

    private static func has(_ value: JSONValue, type: String) -> Bool {
        switch (value, type) {
        case (.null, "null"), (.bool, "boolean"), (.number, "number"), (.string, "string"), (.array, "array"), (.object, "object"):
            return true
        case let (.number(n), "integer"):
            return n == n.rounded()
        default:
            return false
        }
    }
}
