import Foundation

/// A minimal forward scanner over the XML parts of a workbook: tags with their attributes and the
/// text between them, entities decoded. Spreadsheets of a million rows are read in seconds, which a
/// general-purpose XML parser calling back per event does not manage.
struct XMLScan {
    struct Tag {
        var name: String
        var attributes: [String: String]
        var closing: Bool
        var selfClosing: Bool
    }

    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func elements(_ name: String, in bytes: [UInt8]) -> [[String: String]] {
        var scanner = XMLScan(bytes)
        var found: [[String: String]] = []
        while let tag = scanner.nextTag() {
            if tag.name == name && !tag.closing { found.append(tag.attributes) }
        }
        return found
    }

    /// The next element tag (comments, declarations and processing instructions skipped).
    mutating func nextTag() -> Tag? {
        while position < bytes.count {
            guard let open = bytes[position...].firstIndex(of: 60) else { position = bytes.count; return nil }
            position = open + 1
            guard position < bytes.count else { return nil }
            let first = bytes[position]
            if first == 33 || first == 63 {  // <! or <?
                let terminator: [UInt8] = bytes[position...].starts(with: Array("!--".utf8)) ? Array("-->".utf8) : [62]
                position = find(terminator, from: position) ?? bytes.count
                continue
            }
            let closing = first == 47
            if closing { position += 1 }
            let nameStart = position
            while position < bytes.count, !Self.isSpace(bytes[position]), bytes[position] != 62, bytes[position] != 47 { position += 1 }
            let name = Self.localName(bytes[nameStart..<position])
            var attributes: [String: String] = [:]
            var selfClosing = false
            while position < bytes.count {
                let byte = bytes[position]
                if byte == 62 { position += 1; break }
                if byte == 47 { selfClosing = true; position += 1; continue }
                if Self.isSpace(byte) { position += 1; continue }
                let keyStart = position
                while position < bytes.count, bytes[position] != 61, !Self.isSpace(bytes[position]), bytes[position] != 62 { position += 1 }
                let key = String(decoding: bytes[keyStart..<position], as: UTF8.self)
                while position < bytes.count, bytes[position] != 34, bytes[position] != 39, bytes[position] != 62 { position += 1 }
                guard position < bytes.count, bytes[position] != 62 else { continue }
                let quote = bytes[position]
                position += 1
                let valueStart = position
                while position < bytes.count, bytes[position] != quote { position += 1 }
                attributes[key] = Self.decode(bytes[valueStart..<min(position, bytes.count)])
                position += 1
            }
            return Tag(name: name, attributes: attributes, closing: closing, selfClosing: selfClosing)
        }
        return nil
    }

    /// The text up to the closing tag `name` (tags inside dropped, CDATA kept).
    mutating func text(until name: String) -> String {
        let close = Array("</".utf8)
        var out: [UInt8] = []
        while position < bytes.count {
            guard let lt = bytes[position...].firstIndex(of: 60) else { out += bytes[position...]; position = bytes.count; break }
            out += bytes[position..<lt]
            if bytes[lt...].starts(with: Array("<![CDATA[".utf8)) {
                let start = lt + 9
                let end = find(Array("]]>".utf8), from: start).map { $0 - 3 } ?? bytes.count
                out += Self.escapeForDecode(bytes[start..<end])
                position = min(end + 3, bytes.count)
                continue
            }
            if bytes[lt...].starts(with: close) {
                position = lt
                let saved = position
                if let tag = nextTag(), tag.closing, tag.name == name { break }
                position = saved + 1
                continue
            }
            position = lt
            _ = nextTag()
        }
        return Self.decode(out[...])
    }

    /// A cell's `<v>` or inline `<is><t>` text, and whether it holds a formula; leaves the scanner
    /// after `</c>`.
    mutating func cellContent() -> (value: String, formula: Bool) {
        var value = "", formula = false
        while let tag = nextTag() {
            if tag.name == "c" && tag.closing { break }
            if tag.closing || tag.selfClosing { if tag.name == "f" { formula = true }; continue }
            switch tag.name {
            case "v": value = text(until: "v")
            case "t": value += text(until: "t")
            case "f": formula = true; _ = text(until: "f")
            default: break
            }
        }
        return (value, formula)
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        var i = start
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0] && bytes[i..<i + needle.count].elementsEqual(needle) { return i + needle.count }
            i += 1
        }
        return nil
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }

    private static func localName(_ raw: ArraySlice<UInt8>) -> String {
        let name = raw.lastIndex(of: 58).map { raw[($0 + 1)...] } ?? raw
        return String(decoding: name, as: UTF8.self)
    }

    private static func escapeForDecode(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        for b in raw { if b == 38 { out += Array("&amp;".utf8) } else { out.append(b) } }
        return out
    }

    static func decode(_ raw: ArraySlice<UInt8>) -> String {
        guard raw.contains(38) else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        var i = raw.startIndex
        while i < raw.endIndex {
            guard raw[i] == 38, let semi = raw[i...].prefix(12).firstIndex(of: 59) else { out.append(raw[i]); i += 1; continue }
            let entity = String(decoding: raw[(i + 1)..<semi], as: UTF8.self)
            var scalar: Unicode.Scalar?
            switch entity {
            case "amp": scalar = "&"
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if entity.hasPrefix("#x") { scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
                else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init) }
            }
            if let scalar { out += Array(String(scalar).utf8); i = semi + 1 } else { out.append(raw[i]); i += 1 }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
