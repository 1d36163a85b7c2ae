import Foundation
import SIPASCore
import SIPASFormats

/// JSON text of plain values (dictionaries with string keys, arrays, strings, numbers, booleans,
/// NSNull), keys sorted — written directly: Foundation's serialiser takes half a second for a
/// ranking of 3,321 units. Numbers are the shortest text that reads back to the same double.
enum JSONText {
    static func encode(_ value: Any) -> String {
        var out = ""
        out.reserveCapacity(1 << 16)
        write(value, to: &out)
        return out
    }

    private static func write(_ value: Any, to out: inout String) {
        switch value {
        case let s as String: string(s, to: &out)
        case let b as Bool: out += b ? "true" : "false"
        case let i as Int: out += String(i)
        case let d as Double: out += d.isFinite ? DecimalText.plain(d) : "null"
        case let dictionary as [String: Any]:
            out += "{"
            for (i, key) in dictionary.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                string(key, to: &out)
                out += ":"
                write(dictionary[key]!, to: &out)
            }
            out += "}"
        case let array as [Any]:
            out += "["
            for (i, element) in array.enumerated() {
                if i > 0 { out += "," }
                write(element, to: &out)
            }
            out += "]"
        default: out += "null"
        }
    }

    private static func string(_ s: String, to out: inout String) { out += DocumentWriter.quoted(s) }
}
