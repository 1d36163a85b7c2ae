import Foundation
import Hummingbird
import NIOCore
import SIPASApp

/// A JSON value, decoded strictly by type (a number is never read as a boolean, nor the reverse).
indirect enum JSONValue {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// A request's JSON object, read strictly: malformed JSON, unknown fields and wrong types are
/// refused with the field's path.
struct JSONBody {
    let object: [String: JSONValue]
    let path: String
    /// The schema's bounds of numeric fields (empty when read without a schema).
    var bounds: [String: (minimum: Double?, maximum: Double?)] = [:]

    /// Reads a body with the fields of `schema` (an object schema), and no others.
    static func read(_ request: Request, schema: APISchema, limit: Int = Limits().jsonBytes) async throws -> JSONBody {
        var body = try await read(request, allowed: schema.propertyNames, limit: limit)
        body.bounds = schema.numericBounds
        return body
    }

    /// The body, up to `limit` bytes; a larger one is refused (413) before it is all read.
    static func collect(_ request: Request, limit: Int, what: String) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw AppError(.tooLarge, "\(what) lớn hơn giới hạn \(limit / 1024) KiB (the body is larger than \(limit) bytes)")
        }
    }

    private static func read(_ request: Request, allowed: Set<String>, limit: Int) async throws -> JSONBody {
        let buffer = try await collect(request, limit: limit, what: "nội dung JSON")
        let parsed: JSONValue
        do {
            parsed = try buffer.readableBytesView.withUnsafeBytes { try JSONParser.parse($0.bindMemory(to: UInt8.self)) }
        } catch {
            throw AppError.malformed("nội dung không phải JSON hợp lệ; kiểm tra dấu ngoặc, dấu phẩy và dấu nháy kép (malformed JSON)")
        }
        guard case let .object(object) = parsed else {
            throw AppError.malformed("cần một đối tượng JSON {…} (expected a JSON object)", field: "/")
        }
        return try JSONBody(object: object, path: "", allowed: allowed)
    }

    init(object: [String: JSONValue], path: String, allowed: Set<String>) throws {
        for key in object.keys.sorted() where !allowed.contains(key) {
            throw AppError.malformed("trường không được hỗ trợ \"\(key)\"; các trường hợp lệ: \(allowed.sorted().joined(separator: ", ")) (unknown field)", field: "\(path)/\(key)")
        }
        self.object = object
        self.path = path
    }

    func field(_ key: String) -> String { "\(path)/\(key)" }

    /// A field's value; `null` is not a value of any field (leave the field out instead).
    private func value(_ key: String, required: Bool) throws -> JSONValue? {
        guard let value = object[key] else {
            if required { throw AppError.malformed("thiếu trường bắt buộc \"\(key)\" (missing field)", field: field(key)) }
            return nil
        }
        if case .null = value {
            throw AppError.malformed("\"\(key)\" không nhận null; bỏ trường này nếu không có giá trị (null is not a value; omit the field)", field: field(key))
        }
        return value
    }

    private func wrongType(_ key: String, _ expected: String, _ found: JSONValue) -> AppError {
        AppError.malformed("\"\(key)\" phải là \(expected), không phải \(found.typeName) (expected \(expected))", field: field(key))
    }

    /// A string as sent: the application layer normalises it and applies its rules.
    func string(_ key: String, required: Bool = true) throws -> String? {
        guard let value = try value(key, required: required) else { return nil }
        guard case let .string(text) = value else { throw wrongType(key, "string", value) }
        return text
    }

    func integer(_ key: String, required: Bool = true) throws -> Int? {
        guard let value = try value(key, required: required) else { return nil }
        guard case let .number(n) = value, let int = Int(exactly: n) else { throw wrongType(key, "integer", value) }
        try checkBounds(key, n)
        return int
    }

    func number(_ key: String, required: Bool = true) throws -> Double? {
        guard let value = try value(key, required: required) else { return nil }
        guard case let .number(n) = value, n.isFinite else { throw wrongType(key, "number", value) }
        try checkBounds(key, n)
        return n
    }

    private func checkBounds(_ key: String, _ value: Double) throws {
        guard let (minimum, maximum) = bounds[key] else { return }
        if let minimum, value < minimum { throw AppError.invalid("\(key) phải từ \(Self.figure(minimum)) trở lên (below the minimum)", field: field(key)) }
        if let maximum, value > maximum { throw AppError.invalid("\(key) phải từ \(Self.figure(maximum)) trở xuống (above the maximum)", field: field(key)) }
    }

    private static func figure(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    func objects(_ key: String, schema: APISchema, required: Bool = false) throws -> [JSONBody] {
        let allowed = schema.propertyNames
        guard let value = try value(key, required: required) else { return [] }
        guard case let .array(list) = value else { throw wrongType(key, "array", value) }
        return try list.enumerated().map { i, element in
            guard case let .object(object) = element else {
                throw AppError.malformed("phần tử phải là đối tượng JSON (expected an object)", field: "\(field(key))/\(i)")
            }
            var element = try JSONBody(object: object, path: "\(field(key))/\(i)", allowed: allowed)
            element.bounds = schema.numericBounds
            return element
        }
    }

    /// A flat object of scalar values, as text (e.g. a response's answers); lists of integer
    /// codes (a multiple choice) only where `lists` allows them.
    func scalars(_ key: String, required: Bool = true, lists: Bool = true) throws -> [String: String] {
        guard let value = try value(key, required: required) else { return [:] }
        guard case let .object(object) = value else { throw wrongType(key, "object", value) }
        var out: [String: String] = [:]
        for (k, v) in object {
            switch v {
            case let .string(s): out[k] = s
            case let .number(n): out[k] = n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
            case let .array(list) where lists:
                out[k] = try list.map { element -> String in
                    guard case let .number(n) = element, let int = Int32(exactly: n) else {
                        throw AppError.malformed("câu nhiều lựa chọn cần danh sách mã số nguyên (expected integer codes)", field: "\(field(key))/\(k)")
                    }
                    return String(int)
                }.joined(separator: ";")
            default:
                throw AppError.malformed("giá trị của \"\(k)\" phải là số, chuỗi hoặc danh sách mã (expected a scalar)", field: "\(field(key))/\(k)")
            }
        }
        return out
    }
}

/// JSON responses: snake_case keys, stable key order.
enum JSONOutput {
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func raw(_ object: Any, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A page of a list: `?limit=` (1-500, default 50) and `?offset=`.
struct Page: Encodable {
    let limit: Int
    let offset: Int

    init(_ request: Request) throws {
        let q = request.uri.queryParameters
        let limit = q.get("limit").map { Int($0) } ?? 50
        let offset = q.get("offset").map { Int($0) } ?? 0
        guard let limit, (1...500).contains(limit) else { throw AppError.malformed("limit phải là số nguyên từ 1 đến 500 (limit must be 1-500)", field: "?limit") }
        guard let offset, (0...Int(Int32.max)).contains(offset) else {
            throw AppError.malformed("offset phải là số nguyên từ 0 đến \(Int32.max) (offset out of range)", field: "?offset")
        }
        self.limit = limit
        self.offset = offset
    }
}

struct Paged<T: Encodable>: Encodable {
    let items: [T]
    let limit: Int
    let offset: Int
}
