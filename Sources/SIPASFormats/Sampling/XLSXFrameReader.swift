import Foundation
import SIPASCore
import ZIPFoundation

/// Reads one sheet of an Excel workbook (.xlsx) as a frame: shared strings, inline strings,
/// numbers, booleans; cells styled as dates become `yyyy-mm-dd`. One-stop-shop systems export Excel,
/// so merged cells in the data area, several sheets with data and formulas are reported rather
/// than guessed at.
public enum XLSXFrameReader {
    /// Entries larger than this, or compressed more than `largestRatio` times, are refused: a ZIP
    /// bomb would otherwise fill the memory. A million-row export is some 300 MB of sheet XML.
    public static let largestEntry = 600_000_000
    public static let largestRatio: UInt64 = 100

    public static func read(path: String, sheet wanted: String?) throws -> RowsFrameTable {
        let name = (path as NSString).lastPathComponent
        func problem(_ message: String, line: Int? = nil, column: String? = nil) -> SamplingInputProblem {
            SamplingInputProblem(file: name, line: line, column: column, message: message)
        }
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw problem("không phải tệp Excel .xlsx hợp lệ (tệp .xls cũ cần lưu lại thành .xlsx) (not a valid .xlsx workbook)")
        }
        func entry(_ path: String) throws -> [UInt8]? {
            guard let entry = archive[path] else { return nil }
            if entry.uncompressedSize > largestEntry || entry.uncompressedSize > max(1 << 20, entry.compressedSize * largestRatio) {
                throw problem("tệp Excel giải nén ra quá lớn so với kích thước tệp (phần \(path)); lưu lại tệp từ Excel hoặc dùng CSV (an entry expands too much)")
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(entry.uncompressedSize))
            do {
                // The sizes in the archive's directory can lie: the bytes themselves are counted too.
                let limit = Int(entry.uncompressedSize)
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    if bytes.count + chunk.count > limit { throw CocoaError(.fileReadTooLarge) }
                    bytes += chunk
                }
            } catch {
                throw problem("tệp Excel bị hỏng, không giải nén được \(path) (a damaged workbook)")
            }
            return bytes
        }
        guard let workbook = try entry("xl/workbook.xml"), let relations = try entry("xl/_rels/workbook.xml.rels") else {
            throw problem("tệp không có bảng tính (xl/workbook.xml) (not a spreadsheet workbook)")
        }
        let sheets = XMLScan.elements("sheet", in: workbook).map { ($0["name"] ?? "", $0["r:id"] ?? "") }
        let targets = Dictionary(XMLScan.elements("Relationship", in: relations).map { ($0["Id"] ?? "", $0["Target"] ?? "") },
                                 uniquingKeysWith: { a, _ in a })
        func sheetPath(_ id: String) -> String {
            let target = targets[id] ?? ""
            return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        }
        let shared = try entry("xl/sharedStrings.xml").map(XLSXSharedStrings.read) ?? []
        let dateStyles = try entry("xl/styles.xml").map(XLSXDateStyles.read) ?? []
        var parsed: [(name: String, sheet: XLSXSheet)] = []
        if let wanted {
            guard let chosen = sheets.first(where: { $0.0 == wanted }) else {
                throw problem("không có trang tính \"\(wanted)\"; các trang: \(sheets.map(\.0).joined(separator: ", ")) (no such sheet)")
            }
            guard let bytes = try entry(sheetPath(chosen.1)) else { throw problem("thiếu trang tính \(wanted) (a missing sheet)") }
            parsed = [(wanted, XLSXSheet(bytes, shared: shared, dateStyles: dateStyles))]
        } else {
            for (sheetName, id) in sheets {
                guard let bytes = try entry(sheetPath(id)) else { continue }
                let sheet = XLSXSheet(bytes, shared: shared, dateStyles: dateStyles)
                if sheet.rows.count > 1 { parsed.append((sheetName, sheet)) }
            }
            if parsed.count > 1 {
                throw problem("nhiều trang tính có dữ liệu: \(parsed.map(\.name).joined(separator: ", ")); chọn một trang (several sheets hold data: name one)")
            }
        }
        guard let (sheetName, sheet) = parsed.first, let headerRow = sheet.rows.first else {
            throw problem("bảng tính không có dữ liệu (the sheet is empty)")
        }
        if let merged = sheet.merged.first(where: { $0.lastRow > headerRow.line }) {
            throw problem("trang \"\(sheetName)\" có ô gộp \(merged.reference) trong vùng dữ liệu; bỏ gộp ô (Unmerge) rồi tải lại (merged cells in the data area)",
                          line: max(merged.firstRow, headerRow.line + 1))
        }
        let width = headerRow.values.count
        let header = headerRow.values.enumerated().map { $0.element.isEmpty ? "cột \(XLSXSheet.letters($0.offset))" : $0.element }
        let rows = sheet.rows.dropFirst().map { row in
            (line: row.line, values: row.values.count >= width ? Array(row.values.prefix(width)) : row.values + Array(repeating: "", count: width - row.values.count))
        }
        var table = RowsFrameTable(name: name, header: header, rows: rows)
        table.formulaCells = sheet.formulas.filter { $0.line > headerRow.line && $0.column < width }
            .map { (line: $0.line, column: header[$0.column], reference: $0.reference) }
        return table
    }
}

/// A parsed sheet: rows by their spreadsheet line, merged ranges and cells holding formulas.
struct XLSXSheet {
    struct Row { var line: Int; var values: [String] }
    struct Merge { var reference: String; var firstRow: Int; var lastRow: Int }
    var rows: [Row] = []
    var merged: [Merge] = []
    var formulas: [(line: Int, column: Int, reference: String)] = []

    init(_ xml: [UInt8], shared: [String], dateStyles: Set<Int>) {
        var scanner = XMLScan(xml)
        var current: Row?
        var nextLine = 1
        while let tag = scanner.nextTag() {
            switch tag.name {
            case "row":
                if let row = current { rows.append(row) }
                let line = tag.attributes["r"].flatMap(Int.init) ?? nextLine
                nextLine = line + 1
                current = Row(line: line, values: [])
                if tag.selfClosing { rows.append(current!); current = nil }
            case "c":
                let reference = tag.attributes["r"] ?? ""
                let column = Self.column(of: reference) ?? (current?.values.count ?? 0)
                let cell = tag.selfClosing ? (value: "", formula: false) : scanner.cellContent()
                var value = cell.value
                switch tag.attributes["t"] {
                case "s": value = Int(value).flatMap { $0 >= 0 && $0 < shared.count ? shared[$0] : nil } ?? ""
                case "b": value = value == "1" ? "TRUE" : "FALSE"
                case "str", "inlineStr", "e": break
                default:
                    if let style = tag.attributes["s"].flatMap(Int.init), dateStyles.contains(style), let serial = Double(value) {
                        value = FrameDate.excelSerial(serial) ?? value
                    }
                }
                if current == nil { current = Row(line: nextLine, values: []); nextLine += 1 }
                if cell.formula { formulas.append((current!.line, column, reference)) }
                if column >= current!.values.count { current!.values += Array(repeating: "", count: column - current!.values.count + 1) }
                current!.values[column] = value
            case "mergeCell":
                if let reference = tag.attributes["ref"] {
                    let parts = reference.split(separator: ":").map(String.init)
                    let first = Self.row(of: parts.first ?? ""), last = Self.row(of: parts.last ?? "")
                    merged.append(Merge(reference: reference, firstRow: first ?? 0, lastRow: last ?? first ?? 0))
                }
            default: break
            }
        }
        if let row = current { rows.append(row) }
        rows.removeAll { $0.values.allSatisfy { $0.isEmpty } }
    }

    static func column(of reference: String) -> Int? {
        var column = 0, letters = 0
        for byte in reference.utf8 {
            guard byte >= 65 && byte <= 90 else { break }
            column = column * 26 + Int(byte - 64)
            letters += 1
        }
        return letters == 0 ? nil : column - 1
    }

    static func row(of reference: String) -> Int? { Int(reference.drop { $0.isLetter }) }

    static func letters(_ index: Int) -> String {
        var n = index + 1, out = ""
        while n > 0 { let r = (n - 1) % 26; out = String(UnicodeScalar(65 + r)!) + out; n = (n - 1) / 26 }
        return out
    }
}

/// Which cell styles (indexes into `cellXfs`) show dates.
enum XLSXDateStyles {
    static let builtinDateFormats: Set<Int> = [14, 15, 16, 17, 22, 27, 30, 36, 45, 46, 47, 50, 57]

    static func read(_ xml: [UInt8]) -> Set<Int> {
        var custom: [Int: String] = [:]
        for format in XMLScan.elements("numFmt", in: xml) {
            if let id = format["numFmtId"].flatMap(Int.init) { custom[id] = format["formatCode"] ?? "" }
        }
        var scanner = XMLScan(xml)
        var inCellFormats = false
        var index = 0
        var dates: Set<Int> = []
        while let tag = scanner.nextTag() {
            if tag.name == "cellXfs" { inCellFormats = !tag.closing; continue }
            guard inCellFormats, tag.name == "xf", !tag.closing else { continue }
            let id = tag.attributes["numFmtId"].flatMap(Int.init) ?? 0
            if builtinDateFormats.contains(id) || custom[id].map(isDateFormat) == true { dates.insert(index) }
            index += 1
        }
        return dates
    }

    /// A format with day, month or year letters outside quotes and brackets is a date format.
    static func isDateFormat(_ code: String) -> Bool {
        var quoted = false, bracket = false
        for c in code.lowercased() {
            if c == "\"" { quoted.toggle() } else if c == "[" { bracket = true } else if c == "]" { bracket = false }
            else if !quoted && !bracket && "dmy".contains(c) { return true }
        }
        return false
    }
}

/// The shared string table: each `<si>`'s text runs joined, phonetic runs left out.
enum XLSXSharedStrings {
    static func read(_ xml: [UInt8]) -> [String] {
        var scanner = XMLScan(xml)
        var strings: [String] = []
        var current: String?
        var skip = 0
        while let tag = scanner.nextTag() {
            switch tag.name {
            case "si":
                if tag.closing { strings.append(current ?? ""); current = nil } else if tag.selfClosing { strings.append("") } else { current = "" }
            case "rPh":
                if !tag.selfClosing { skip += tag.closing ? -1 : 1 }
            case "t" where !tag.closing && !tag.selfClosing:
                let text = scanner.text(until: "t")
                if skip == 0 { current = (current ?? "") + text }
            default: break
            }
        }
        return strings
    }
}
