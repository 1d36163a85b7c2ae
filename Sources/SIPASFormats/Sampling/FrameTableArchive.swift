import Foundation

/// A read frame file kept between its upload and the import that follows the column mapping:
/// the rows with their line numbers and the formula cells, exactly as read, so that a workbook
/// is unzipped and scanned once, not twice. Lengths are explicit, so any value survives.
public enum FrameTableArchive {
    static let magic = Array("SIPAS-FRAME-TABLE/1\n".utf8)

    public static func isArchive(_ bytes: [UInt8]) -> Bool { bytes.starts(with: magic) }

    public static func encode(_ table: RowsFrameTable) -> [UInt8] {
        var out = magic
        out.reserveCapacity(table.rows.reduce(64) { $0 + 8 + $1.values.reduce(0) { $0 + $1.utf8.count + 2 } })
        appendStrings(table.header, to: &out)
        appendNumber(table.formulaCells.count, to: &out)
        for cell in table.formulaCells {
            appendNumber(cell.line, to: &out)
            appendStrings([cell.column, cell.reference], to: &out)
        }
        appendNumber(table.rows.count, to: &out)
        for row in table.rows {
            appendNumber(row.line, to: &out)
            appendStrings(row.values, to: &out)
        }
        return out
    }

    public struct Unreadable: Error {}

    public static func decode(_ bytes: [UInt8], name: String) throws -> RowsFrameTable {
        guard isArchive(bytes) else { throw Unreadable() }
        return try bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer, offset: magic.count)
            let header = try reader.strings()
            var formulas: [(line: Int, column: String, reference: String)] = []
            for _ in 0..<(try reader.number()) {
                let line = try reader.number()
                let parts = try reader.strings()
                guard parts.count == 2 else { throw Unreadable() }
                formulas.append((line, parts[0], parts[1]))
            }
            let count = try reader.number()
            var rows: [(line: Int, values: [String])] = []
            rows.reserveCapacity(count)
            for _ in 0..<count { rows.append((try reader.number(), try reader.strings())) }
            var table = RowsFrameTable(name: name, header: header, rows: rows)
            table.formulaCells = formulas
            return table
        }
    }

    private static func appendNumber(_ value: Int, to out: inout [UInt8]) {
        var v = UInt64(max(0, value))
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }

    private static func appendStrings(_ values: [String], to out: inout [UInt8]) {
        appendNumber(values.count, to: &out)
        for value in values {
            appendNumber(value.utf8.count, to: &out)
            out.append(contentsOf: value.utf8)
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset: Int

        mutating func number() throws -> Int {
            var value: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard offset < bytes.count, shift < 63 else { throw Unreadable() }
                let byte = bytes[offset]
                offset += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return Int(value) }
                shift += 7
            }
        }

        mutating func strings() throws -> [String] {
            let count = try number()
            guard count <= bytes.count - offset else { throw Unreadable() }
            var out: [String] = []
            out.reserveCapacity(count)
            for _ in 0..<count {
                let length = try number()
                guard length <= bytes.count - offset else { throw Unreadable() }
                out.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self))
                offset += length
            }
            return out
        }
    }
}
