import Foundation

/// The product's one CSV record writer and reader (RFC 4180), byte-level so that a CR LF inside a
/// field (one `Character` to Swift) is seen as the line break it is. Stored answers, attribute
/// maps, exports and result tables all go through it.
public enum CSVLine {
    /// Appends one field, quoted when it must be.
    public static func append(_ field: String, to out: inout [UInt8]) {
        let utf8 = field.utf8
        let needsQuotes = utf8.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 } || utf8.first == 32 || utf8.last == 32
            || utf8.first == 9 || utf8.last == 9
        if !needsQuotes { out += utf8; return }
        out.append(34)
        for b in utf8 {
            if b == 34 { out.append(34) }
            out.append(b)
        }
        out.append(34)
    }

    /// A text cell of a file people open in a spreadsheet: a leading `=`, `+`, `-`, `@`, TAB or CR
    /// would make it a formula (`=HYPERLINK(…)`), so it is prefixed with an apostrophe.
    public static func spreadsheetText(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }

    /// One record for a spreadsheet: text cells neutralised, numbers (already formatted) as they are.
    public static func encodeForSpreadsheet(text: [String], numbers: [String]) -> String {
        encode(text.map(spreadsheetText) + numbers)
    }

    public static func encode(_ fields: [String]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(fields.reduce(fields.count) { $0 + $1.utf8.count })
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(44) }
            append(field, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func encodeAttributes(_ attributes: [String: String]) -> String {
        let keys = attributes.keys.sorted()
        return encode(keys.flatMap { [$0, attributes[$0]!] })
    }

    public static func decodeAttributes(_ text: String) -> [String: String] {
        let fields = decode(text)
        var out: [String: String] = [:]
        var i = 0
        while i + 1 < fields.count {
            out[fields[i]] = fields[i + 1]
            i += 2
        }
        return out
    }

    public static func decode(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var fields: [String] = []
        var current = ""
        var quoted = false
        var chars = Array(text)
        chars.append(",")
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { current.append("\""); i += 1 } else { quoted = false }
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
            i += 1
        }
        return fields
    }
}
