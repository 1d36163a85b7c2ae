import SIPASApp
import SIPASCore
import SIPASFormats

/// The progress table as CSV, with the columns the API documents: the grouping, cases, one column
/// per §10 disposition, the rates as fractions, overdue. Cases nobody holds yet are in `cases`
/// (and, by enumerator, the row with an empty key), so every grouping adds up to the same totals.
public enum FieldworkProgressCSV {
    public static func text(_ r: FieldworkProgress.Report) -> String {
        let groupColumn = r.grouping == .postOffice ? "post_office" : r.grouping.rawValue
        var lines = [CSVLine.encode([groupColumn, "cases"] + Disposition.allCases.map(\.rawValue) + ["response_rate", "rr1", "cooperation_rate", "refusal_rate", "overdue"])]
        for row in r.rows {
            let c = row.counts
            let rates = [c.responseRate, c.rr1, c.cooperationRate, c.refusalRate].map { $0.map { String($0) } ?? "" }
            lines.append(CSVLine.encode([CSVLine.spreadsheetText(row.key), String(c.cases)] + Disposition.allCases.map { String(c[$0]) } + rates + [String(c.overdue)]))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
