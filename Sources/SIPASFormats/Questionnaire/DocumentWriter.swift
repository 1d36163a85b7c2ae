import SIPASCore

/// Emits a `DocumentValue` as block-style YAML or indented JSON. Every text value is double-quoted
/// in YAML, so codes such as `NO` or `1.10` can never be re-read as booleans or numbers.
public enum DocumentWriter {
    public static func yaml(_ value: DocumentValue) -> String {
        var out = ""
        writeYAML(value, indent: 0, into: &out, inList: false)
        return out
    }

    public static func json(_ value: DocumentValue) -> String {
        var out = ""
        writeJSON(value, indent: 0, into: &out)
        out += "\n"
        return out
    }

    private static func isScalar(_ v: DocumentValue) -> Bool {
        switch v {
        case .list, .map: return false
        default: return true
        }
    }

    private static func scalarYAML(_ v: DocumentValue) -> String {
        switch v {
        case let .string(s): return quoted(s)
        case let .integer(i): return String(i)
        case let .number(d): return DecimalText.plain(d)
        case let .boolean(b): return b ? "true" : "false"
        case .null: return "null"
        case let .list(l): return "[" + l.map(scalarYAML).joined(separator: ", ") + "]"
        case let .map(m): return m.isEmpty ? "{}" : "{…}"
        }
    }

    private static let plainKey: Set<Character> = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    private static let yaml11Words: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"]

    private static func key(_ k: String) -> String {
        let safe = !k.isEmpty && k.allSatisfy { plainKey.contains($0) } && !yaml11Words.contains(k.lowercased())
            && k.first != "-"
        return safe ? k : quoted(k)
    }

    private static func writeYAML(_ v: DocumentValue, indent: Int, into out: inout String, inList: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch v {
        case let .map(pairs) where !pairs.isEmpty:
            for (i, pair) in pairs.enumerated() {
                let prefix = (inList && i == 0) ? "" : pad
                out += prefix + key(pair.key) + ":"
                writeYAMLValue(pair.value, indent: indent + 2, into: &out)
            }
        case let .list(items) where !items.isEmpty && !items.allSatisfy(isScalar):
            for item in items {
                out += pad + "- "
                if isScalar(item) {
                    out += scalarYAML(item) + "\n"
                } else {
                    writeYAML(item, indent: indent + 2, into: &out, inList: true)
                }
            }
        default:
            out += pad + scalarYAML(v) + "\n"
        }
    }

    private static func writeYAMLValue(_ v: DocumentValue, indent: Int, into out: inout String) {
        switch v {
        case let .map(pairs) where !pairs.isEmpty:
            out += "\n"
            writeYAML(v, indent: indent, into: &out, inList: false)
        case let .list(items) where !items.isEmpty && !items.allSatisfy(isScalar):
            out += "\n"
            writeYAML(v, indent: indent, into: &out, inList: false)
        default:
            out += " " + scalarYAML(v) + "\n"
        }
    }

    private static func writeJSON(_ v: DocumentValue, indent: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch v {
        case let .map(pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, pair) in pairs.enumerated() {
                out += pad + quoted(pair.key) + ": "
                writeJSON(pair.value, indent: indent + 1, into: &out)
                out += i == pairs.count - 1 ? "\n" : ",\n"
            }
            out += close + "}"
        case let .list(items):
            if items.isEmpty { out += "[]"; return }
            if items.allSatisfy(isScalar) {
                out += "[" + items.map(scalarJSON).joined(separator: ", ") + "]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                writeJSON(item, indent: indent + 1, into: &out)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += close + "]"
        default:
            out += scalarJSON(v)
        }
    }

    private static func scalarJSON(_ v: DocumentValue) -> String {
        switch v {
        case .null: return "null"
        default: return scalarYAML(v)
        }
    }

    /// A JSON string literal, which is also a valid YAML double-quoted scalar.
    public static func quoted(_ s: String) -> String {
        // Most texts need no escape (a million frame rows go through here): quoted whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }) { return "\"" + s + "\"" }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
