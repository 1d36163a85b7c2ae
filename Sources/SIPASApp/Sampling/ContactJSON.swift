import Foundation
import SIPASFormats

/// A frame row's sealed columns as a compact JSON object with sorted keys: written for every one of
/// a million rows, so by hand (a JSONEncoder per row costs more than the encryption).
enum ContactJSON {
    static func encode(_ values: [String: String]) -> String {
        var out = "{"
        for (i, key) in values.keys.sorted().enumerated() {
            if i > 0 { out += "," }
            out += DocumentWriter.quoted(key) + ":" + DocumentWriter.quoted(values[key]!)
        }
        return out + "}"
    }

    static func decode(_ bytes: [UInt8]) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(bytes))
    }
}
