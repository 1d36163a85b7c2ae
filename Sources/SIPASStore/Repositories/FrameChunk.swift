import Foundation

/// The texts of a chunk of frame rows (migration 9). Content: records joined by U+001E, fields by
/// U+001F, a present value marked by a leading '~' and an absent one empty, in the order line,
/// key, unit id, unit code, area, service, procedure, agency, completed on. Contacts: each
/// record's sealed contacts (base64) or nothing, joined by U+001E in the same order.
/// Values never hold those separators: the frame check refuses control characters.
enum FrameChunk {
    static let recordSeparator: UInt8 = 0x1E
    static let fieldSeparator: UInt8 = 0x1F
    static let fieldCount = 9

    struct UnencodableValue: Error, CustomStringConvertible {
        var key: String
        var description: String { "dòng khung mẫu \(key) chứa ký tự điều khiển (a control character in a frame value)" }
    }

    static func encode(_ rows: ArraySlice<SamplingRepository.FrameRow>) throws -> (content: String, contacts: String) {
        var out = [UInt8](), contacts = [UInt8]()
        out.reserveCapacity(rows.count * 96)
        for (n, row) in rows.enumerated() {
            if n > 0 { out.append(recordSeparator); contacts.append(recordSeparator) }
            if let sealed = row.sealed {
                if sealed.utf8.contains(where: { $0 == recordSeparator }) { throw UnencodableValue(key: row.key) }
                contacts += sealed.utf8
            }
            let fields: [String?] = [String(row.line), row.key, String(row.unitId), row.unitCode, row.area, row.service, row.procedure,
                                     row.agency, row.completedOn]
            for (i, field) in fields.enumerated() {
                if i > 0 { out.append(fieldSeparator) }
                guard let field else { continue }
                out.append(UInt8(ascii: "~"))
                for byte in field.utf8 {
                    if byte == recordSeparator || byte == fieldSeparator { throw UnencodableValue(key: row.key) }
                    out.append(byte)
                }
            }
        }
        return (String(decoding: out, as: UTF8.self), String(decoding: contacts, as: UTF8.self))
    }

    /// A record's line, key and unit id, which every record has.
    static func head(_ fields: [String?]) throws -> (line: Int, key: String, unitId: Int) {
        guard let line = fields[0].flatMap({ Int($0) }), let key = fields[1], let unitId = fields[2].flatMap({ Int($0) }) else {
            throw SamplingRepository.UnreadableChunk()
        }
        return (line, key, unitId)
    }

    /// Each record's sealed contacts, in order (nil for none).
    static func contacts(_ text: String) -> [String?] {
        text.utf8.split(separator: recordSeparator, omittingEmptySubsequences: false).map { $0.isEmpty ? nil : String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `visit` with each record's fields (nil when absent).
    static func forEachRecord(_ text: String, _ visit: ([String?]) throws -> Void) throws {
        var text = text
        try text.withUTF8 { bytes in
            var fields = [String?](repeating: nil, count: fieldCount)
            var start = 0, field = 0
            func close(_ end: Int) {
                guard field < fieldCount else { field += 1; return }
                fields[field] = end > start ? String(decoding: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<end]), as: UTF8.self) : nil
                field += 1
                start = end + 1
            }
            var i = 0
            while i <= bytes.count {
                let byte = i < bytes.count ? bytes[i] : recordSeparator
                if byte == fieldSeparator {
                    close(i)
                } else if byte == recordSeparator {
                    close(i)
                    guard field == fieldCount else { throw SamplingRepository.UnreadableChunk() }
                    try visit(fields)
                    field = 0
                    for k in fields.indices { fields[k] = nil }
                }
                i += 1
            }
        }
    }
}

extension SamplingRepository {
    struct UnreadableChunk: Error, CustomStringConvertible {
        var description: String { "dòng khung mẫu không đọc được (an unreadable frame row)" }
    }
}
