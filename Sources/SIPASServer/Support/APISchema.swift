/// The JSON Schema subset the API is described with. One value serves three purposes: the
/// OpenAPI document shows it, request bodies are read by it (an object's properties are the only
/// fields accepted), and the tests check every response they receive against it.
import SIPASCore

indirect enum APISchema: Sendable {
    case text(enumeration: [String]?, format: String?)
    case integer
    case number
    case boolean
    case array(APISchema)
    /// An object with these properties (`required` ones always present) and, when `additional`
    /// is given, other keys with values of that schema (an index row's grouping columns).
    case object([Property], required: [String] = [], additional: APISchema? = nil)
    /// An object whose keys are data (e.g. answers by item code).
    case map(APISchema)
    case nullable(APISchema)
    /// A schema of `components`.
    case ref(String)
    /// Any JSON value (a questionnaire in the interchange format, which has its own specification).
    case any
    /// A schema with the limits the application enforces on it.
    case limited(APISchema, Limits)
    /// A value of any of these schemas.
    case anyOf([APISchema])

    struct Limits: Sendable {
        var minLength: Int?
        var maxLength: Int?
        var pattern: String?
        var minimum: Double?
        var maximum: Double?
        var minItems: Int?
        var maxItems: Int?
    }

    /// A text field as the application judges it: no control characters (line breaks only when
    /// `multiline`), something besides white space unless `minLength` is 0, at most `maxLength`.
    static func string(maxLength: Int, minLength: Int = 1, pattern: String? = nil, multiline: Bool = false) -> APISchema {
        .limited(.string, Limits(minLength: minLength, maxLength: maxLength,
                                 pattern: pattern ?? TextRules.pattern(multiline: multiline, allowBlank: minLength == 0)))
    }
    static func integer(_ range: ClosedRange<Int>) -> APISchema {
        .limited(.integer, Limits(minimum: Double(range.lowerBound), maximum: Double(range.upperBound)))
    }
    static func number(_ range: ClosedRange<Double>) -> APISchema { .limited(.number, Limits(minimum: range.lowerBound, maximum: range.upperBound)) }
    static let id = APISchema.integer(1...Int(Int32.max))

    struct Property: Sendable {
        let name: String
        let schema: APISchema
        let description: String?

        static func property(_ name: String, _ schema: APISchema, _ description: String? = nil) -> Property {
            Property(name: name, schema: schema, description: description)
        }
    }

    static let string = APISchema.text(enumeration: nil, format: nil)
    static func string(enumeration: [String]) -> APISchema { .text(enumeration: enumeration, format: nil) }
    static func string(format: String) -> APISchema { .text(enumeration: nil, format: format) }

    /// Property names of an object schema (a request body's accepted fields).
    var propertyNames: Set<String> {
        if case let .limited(inner, _) = self { return inner.propertyNames }
        guard case let .object(properties, _, _) = self else { return [] }
        return Set(properties.map(\.name))
    }

    /// The bounds declared for the numeric properties of an object schema, so that a request is
    /// held to what its OpenAPI document says.
    var numericBounds: [String: (minimum: Double?, maximum: Double?)] {
        if case let .limited(inner, _) = self { return inner.numericBounds }
        guard case let .object(properties, _, _) = self else { return [:] }
        var out: [String: (minimum: Double?, maximum: Double?)] = [:]
        for property in properties {
            var schema = property.schema
            if case let .nullable(inner) = schema { schema = inner }
            if case let .limited(inner, limits) = schema, case .integer = inner { out[property.name] = (limits.minimum, limits.maximum) }
            if case let .limited(inner, limits) = schema, case .number = inner { out[property.name] = (limits.minimum, limits.maximum) }
        }
        return out
    }

    /// The schema of a property of an object schema.
    func property(_ name: String) -> APISchema? {
        guard case let .object(properties, _, _) = self else { return nil }
        return properties.first { $0.name == name }?.schema
    }

    /// The OpenAPI 3.1 (JSON Schema 2020-12) form.
    var json: [String: Any] {
        switch self {
        case let .text(enumeration, format):
            var out: [String: Any] = ["type": "string"]
            if let enumeration { out["enum"] = enumeration }
            if let format { out["format"] = format }
            return out
        case .integer: return ["type": "integer"]
        case .number: return ["type": "number"]
        case .boolean: return ["type": "boolean"]
        case let .array(items): return ["type": "array", "items": items.json]
        case let .object(properties, required, additional):
            var out: [String: Any] = ["type": "object", "additionalProperties": additional?.json ?? false,
                                      "properties": Dictionary(uniqueKeysWithValues: properties.map { p -> (String, Any) in
                                          var schema = p.schema.json
                                          if let d = p.description { schema["description"] = d }
                                          return (p.name, schema)
                                      })]
            if !required.isEmpty { out["required"] = required }
            return out
        case let .map(values): return ["type": "object", "additionalProperties": values.json]
        case let .nullable(inner):
            if case .ref = inner { return ["oneOf": [inner.json, ["type": "null"]]] }
            var out = inner.json
            if let type = out["type"] as? String { out["type"] = [type, "null"] }
            return out
        case let .ref(name): return ["$ref": "#/components/schemas/\(name)"]
        case .any: return [:]
        case let .anyOf(options): return ["anyOf": options.map(\.json)]
        case let .limited(inner, limits):
            var out = inner.json
            if let v = limits.minLength { out["minLength"] = v }
            if let v = limits.maxLength { out["maxLength"] = v }
            if let v = limits.pattern { out["pattern"] = v }
            if let v = limits.minimum { out["minimum"] = v == v.rounded() && abs(v) < 1e15 ? Int(v) as Any : v }
            if let v = limits.maximum { out["maximum"] = v == v.rounded() && abs(v) < 1e15 ? Int(v) as Any : v }
            if let v = limits.minItems { out["minItems"] = v }
            if let v = limits.maxItems { out["maxItems"] = v }
            return out
        }
    }
}
