import SIPASApp
import SIPASCore
import SIPASFormats

/// The progress table as a workbook for the office (the CSV is for machines): Vietnamese
/// headings as on the screen, counts as numbers a spreadsheet sums, rates in percent, the total.
public enum FieldworkProgressWorkbook {
    public static func xlsx(_ r: FieldworkProgress.Report) -> [UInt8] {
        let grouping = switch r.grouping {
        case .unit: "Mã đơn vị"
        case .enumerator: "Điều tra viên"
        case .postOffice: "Bưu điện"
        case .stratum: "Tầng"
        }
        let header = [grouping, "Tên", "Trường hợp"] + Disposition.allCases.map(\.shortLabel)
            + ["Chưa giao", "Tỷ lệ phản hồi (%)", "RR1 (%)", "Tỷ lệ hợp tác (%)", "Tỷ lệ từ chối (%)", "Quá hạn"]
        let rows = r.rows.map { line($0.key.isEmpty ? "—" : $0.key, $0.label, $0.counts) } + [line("Tổng", "", r.total)]
        return Workbook(sheets: [Workbook.Sheet(name: "Tiến độ", header: header, rows: rows, widths: [14, 28] + Array(repeating: 11, count: header.count - 2))]).xlsx()
    }

    private static func line(_ key: String, _ label: String, _ c: FieldworkCounts) -> [Workbook.Cell] {
        [.text(key), .text(label), .integer(c.cases)] + Disposition.allCases.map { .integer(c[$0]) } + [.integer(c.unassigned)]
            + [c.responseRate, c.rr1, c.cooperationRate, c.refusalRate].map { .decimal($0.map { $0 * 100 }) } + [.integer(c.overdue)]
    }
}
