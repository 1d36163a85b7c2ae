import SIPASCore

/// Renders an index result: `csv` and `json` are the machine formats of `index-method.md` §5;
/// `table` is for people (Vietnamese labels, 2 decimals with a comma, ± margin, low n marked).
public enum IndexResultWriter {
    public enum Format: String, Sendable, CaseIterable { case csv, json, table }

    public static func write(_ result: IndexResult, as format: Format, title: String? = nil) -> String {
        switch format {
        case .csv: return csv(result)
        case .json: return json(result)
        case .table: return table(result, title: title)
        }
    }

    public static let fixedColumns = ["index", "node", "n", "estimate", "se", "ci_low", "ci_high", "low_n"]

    /// Group labels come from respondents' files and units' names: text cells are neutralised
    /// against spreadsheet formulas (a CSV is opened in Excel more often than it is parsed).
    public static func csv(_ result: IndexResult) -> String {
        var out = CSVLine.encode((result.groupColumns + fixedColumns).map(CSVLine.spreadsheetText)) + "\n"
        for row in result.rows {
            var numbers = [String(row.n)]
            numbers += [row.estimate, row.se, row.ciLow, row.ciHigh].map { $0.map(DecimalText.plain) ?? "" }
            numbers.append(row.lowN ? "true" : "false")
            out += CSVLine.encodeForSpreadsheet(text: row.group + [row.index, row.node], numbers: numbers) + "\n"
        }
        return out
    }

    public static func json(_ result: IndexResult) -> String {
        var out = "[\n"
        for (i, row) in result.rows.enumerated() {
            var fields: [String] = []
            for (column, value) in zip(result.groupColumns, row.group) {
                fields.append("\(DocumentWriter.quoted(column)): \(DocumentWriter.quoted(value))")
            }
            fields.append("\"index\": \(DocumentWriter.quoted(row.index))")
            fields.append("\"node\": \(DocumentWriter.quoted(row.node))")
            fields.append("\"n\": \(row.n)")
            for (name, value) in [("estimate", row.estimate), ("se", row.se), ("ci_low", row.ciLow), ("ci_high", row.ciHigh)] {
                fields.append("\"\(name)\": \(value.map(DecimalText.plain) ?? "null")")
            }
            fields.append("\"low_n\": \(row.lowN)")
            out += "  {" + fields.joined(separator: ", ") + "}" + (i == result.rows.count - 1 ? "\n" : ",\n")
        }
        return out + "]\n"
    }

    public static func table(_ result: IndexResult, title: String?) -> String {
        var out = ""
        if let title { out += title + "\n" }
        var currentGroup: [String]? = nil
        var lines: [[String]] = []
        func flush() {
            guard !lines.isEmpty else { return }
            let header = ["Mã", "Nội dung", "n", "Chỉ số (%)", "± Sai số", "Khoảng tin cậy 95%", ""]
            out += layout([header] + lines)
            lines = []
        }
        for row in result.rows {
            if row.group != currentGroup {
                flush()
                currentGroup = row.group
                if !result.groupColumns.isEmpty {
                    let label = zip(result.groupColumns, row.group).map { "\($0) = \($1.isEmpty ? "(trống)" : $1)" }
                    out += "\n" + label.joined(separator: ", ") + "\n"
                } else {
                    out += "\n"
                }
            }
            let indent = String(repeating: "  ", count: row.depth)
            let name = truncate(row.title, to: 48 - row.depth * 2)
            var cells = [indent + row.node, name, DecimalText.groupThousands(row.n)]
            if let e = row.estimate, let se = row.se, let lo = row.ciLow, let hi = row.ciHigh {
                cells += [DecimalText.vietnamese(e), "± " + DecimalText.vietnamese(IndexAccumulator.z95 * se),
                          DecimalText.vietnamese(lo) + " – " + DecimalText.vietnamese(hi)]
            } else {
                cells += ["—", "", ""]
            }
            cells.append(row.lowN ? "⚠ n < \(result.minN)" : "")
            lines.append(cells)
        }
        flush()
        if result.rows.contains(where: \.lowN) {
            out += "\n⚠ n < \(result.minN): số phiếu hợp lệ ít, kết quả kém tin cậy; báo cáo công khai sẽ ẩn các số này (few valid answers: not published).\n"
        }
        return out
    }

    private static func truncate(_ s: String, to width: Int) -> String {
        s.count <= width ? s : String(s.prefix(max(1, width - 1))) + "…"
    }

    /// Columns padded to their widest cell; numbers (columns 3-6) right-aligned.
    private static func layout(_ rows: [[String]]) -> String {
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = ""
        for row in rows {
            var cells: [String] = []
            for (c, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                cells.append((2...4).contains(c) ? pad + cell : cell + pad)
            }
            var line = cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}
