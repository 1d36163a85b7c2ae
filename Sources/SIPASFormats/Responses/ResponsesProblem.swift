/// A problem in a responses file, located by physical line and column (field number, 1-based).
public struct ResponsesProblem: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int?
    public var columnName: String?
    public var message: String

    public init(line: Int, column: Int? = nil, columnName: String? = nil, message: String) {
        self.line = line
        self.column = column
        self.columnName = columnName
        self.message = message
    }

    public var description: String {
        var location = "dòng \(line)"
        if let column { location += ", cột \(ExcelColumn.letters(column)) (\(column))" }
        if let columnName { location += " (\(columnName))" }
        return "\(location): \(message)"
    }
}

/// The file was refused as a whole: nothing from it is used.
public struct ResponsesImportFailed: Error, Sendable, CustomStringConvertible {
    /// The first problems, up to the reader's cap.
    public var problems: [ResponsesProblem]
    /// How many problems there were in all.
    public var total: Int

    public var description: String {
        var lines = problems.map(\.description)
        if total > problems.count {
            lines.append("… và \(total - problems.count) lỗi khác (and \(total - problems.count) more problems)")
        }
        return lines.joined(separator: "\n")
    }
}

/// Answers kept but not valid for the index because their item's `relevant` condition is false.
public struct RelevanceWarnings: Sendable, Equatable {
    /// Item code → number of such answers, in questionnaire order.
    public var counts: [(item: String, count: Int)]

    public var total: Int { counts.reduce(0) { $0 + $1.count } }

    public static func == (a: RelevanceWarnings, b: RelevanceWarnings) -> Bool {
        a.counts.count == b.counts.count && zip(a.counts, b.counts).allSatisfy { $0.item == $1.item && $0.count == $1.count }
    }

    public var description: String {
        counts.map { "câu \($0.item): \($0.count) câu trả lời bị bỏ qua vì điều kiện hiển thị không thỏa (\($0.count) answers to a non-relevant item, not counted)" }
            .joined(separator: "\n")
    }
}

/// Spreadsheet column letters, as an official sees the file in Excel: 1 → A, 27 → AA.
public enum ExcelColumn {
    public static func letters(_ number: Int) -> String {
        var n = number, out = ""
        while n > 0 {
            let r = (n - 1) % 26
            out = String(UnicodeScalar(UInt8(65 + r))) + out
            n = (n - 1) / 26
        }
        return out
    }
}
