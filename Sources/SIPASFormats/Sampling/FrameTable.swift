import Foundation
import SIPASCore

/// A problem with an input file of a draw, with its place: file, line (1 = the header), column.
public struct SamplingInputProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += " (\(column))" }
        return "\(place): \(message)"
    }
}

/// A table of rows with a header: a frame or an areas file, read once from the top. Values are
/// texts exactly as written.
public protocol FrameTable {
    var name: String { get }
    var header: [String] { get }
    /// Calls `body` with each row's line number and a field accessor (by column index).
    func forEachRow(_ body: (Int, (Int) -> String) throws -> Void) throws
}

/// Rows already in memory (a workbook's sheet, a stored frame).
public struct RowsFrameTable: FrameTable, Sendable {
    public var name: String
    public var header: [String]
    public var rows: [(line: Int, values: [String])]
    /// Cells computed by a formula (a workbook's), which a key must not be.
    public var formulaCells: [(line: Int, column: String, reference: String)] = []

    public init(name: String, header: [String], rows: [(line: Int, values: [String])]) {
        self.name = name
        self.header = header
        self.rows = rows
    }

    public func forEachRow(_ body: (Int, (Int) -> String) throws -> Void) throws {
        for row in rows {
            try body(row.line, { $0 < row.values.count ? row.values[$0] : "" })
        }
    }
}

/// A CSV file streamed with a fixed buffer: a frame of ten million rows is read without holding it.
public final class CSVFrameTable: FrameTable {
    public let name: String
    public let header: [String]
    private let path: String

    public init(path: String) throws(SamplingInputProblem) {
        self.path = path
        name = (path as NSString).lastPathComponent
        try Self.checkEncoding(path: path, name: name)
        guard let source = FileByteSource(path: path) else {
            throw SamplingInputProblem(file: name, message: "không mở được tệp (cannot open the file)")
        }
        let scanner = CSVScanner(bufferSize: 1 << 16) { source.read(into: $0, count: $1) }
        guard scanner.next() else {
            throw SamplingInputProblem(file: name, line: 1, message: "tệp rỗng: cần một dòng tiêu đề (the file is empty: a header line is needed)")
        }
        header = (0..<scanner.fieldCount).map { scanner.exactString(scanner.fieldPointer[$0]) }
        if let problem = Self.problem(scanner, file: name) { throw problem }
    }

    public func forEachRow(_ body: (Int, (Int) -> String) throws -> Void) throws {
        guard let source = FileByteSource(path: path) else {
            throw SamplingInputProblem(file: name, message: "không mở được tệp (cannot open the file)")
        }
        let scanner = CSVScanner { source.read(into: $0, count: $1) }
        _ = scanner.next()
        let width = header.count
        while scanner.next() {
            if let problem = Self.problem(scanner, file: name) { throw problem }
            if scanner.fieldCount != width {
                throw SamplingInputProblem(
                    file: name, line: scanner.recordLine,
                    message: "dòng có \(scanner.fieldCount) cột nhưng tiêu đề có \(width); kiểm tra dấu phẩy và dấu ngoặc kép trong dòng này (the line has \(scanner.fieldCount) fields, the header \(width))")
            }
            try body(scanner.recordLine) { index in scanner.exactString(scanner.fieldPointer[index]) }
        }
        if let problem = Self.problem(scanner, file: name) { throw problem }
    }

    private static func problem(_ scanner: CSVScanner, file: String) -> SamplingInputProblem? {
        guard let first = scanner.problems.first else { return nil }
        switch first {
        case .nulByte(let line, _):
            return SamplingInputProblem(file: file, line: line, message: "tệp có byte NUL: có thể là UTF-16 hoặc tệp nhị phân; hãy lưu lại dưới dạng CSV UTF-8 (a NUL byte: save as CSV UTF-8)")
        case .invalidUTF8(let line, _):
            return SamplingInputProblem(file: file, line: line, message: "tệp không phải UTF-8 (có thể là Windows-1258 hoặc TCVN3); trong Excel chọn Lưu thành → CSV UTF-8 (not UTF-8: save as CSV UTF-8)")
        case .unterminatedQuote(let line, _):
            return SamplingInputProblem(file: file, line: line, message: "dấu ngoặc kép mở mà không đóng (an unterminated quote)")
        }
    }

    private static func checkEncoding(path: String, name: String) throws(SamplingInputProblem) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SamplingInputProblem(file: name, message: "không mở được tệp (cannot open the file)")
        }
        defer { try? handle.close() }
        let start = [UInt8](handle.readData(ofLength: 4))
        if start.starts(with: [0xFF, 0xFE]) || start.starts(with: [0xFE, 0xFF]) {
            throw SamplingInputProblem(file: name, line: 1, message: "tệp mã hóa UTF-16; hãy lưu lại dưới dạng CSV UTF-8 (the file is UTF-16: save it as CSV UTF-8)")
        }
        if start.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw SamplingInputProblem(file: name, line: 1, message: "đây là tệp Excel (.xlsx) nhưng tên tệp có đuôi khác; đổi đuôi thành .xlsx (an Excel workbook under another name)")
        }
    }
}
