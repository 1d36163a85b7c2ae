import Foundation
import SIPASCore
import SIPASFormats

/// The campaign's tables as a workbook: the whole campaign's tree, the ranking of units, one sheet
/// per level of the tree with every unit's figures, the wishes, and the method. The figures are
/// the dashboards' (the same use cases, the same disclosure control), to the last digit.
public struct CampaignWorkbook: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    /// The per-unit sheets' names end so.
    public static let perUnitSuffix = " theo đơn vị"
    static let levelNames = ["Chỉ số", "Lĩnh vực", "Tiêu chí", "Tiêu chí thành phần", "Cấp 4", "Cấp 5"]
    static let figureHeader = ["Tỷ lệ hài lòng (%)", "Sai số chuẩn (điểm %)", "Cận dưới 95% (%)", "Cận trên 95% (%)", "Số phiếu", "Ít phiếu"]

    public func workbook(campaign id: Int, by user: User?) async throws -> Workbook {
        try await workbook(try await platform.dashboards.context(id, user: user), user: user)
    }

    public func workbook(_ context: Dashboards.Context, user: User?) async throws -> Workbook {
        let dashboards = platform.dashboards
        let overview = try await dashboards.overview(context, unitCode: nil, user: user)
        let ranking = try await dashboards.ranking(context, node: nil, user: user)
        let byUnit = try await dashboards.index(context, by: ["unit"], user: user)
        let wishes = try await dashboards.wishes(context, unitCode: nil, user: user)
        var sheets = [wholeCampaign(overview), rankingSheet(ranking)]
        sheets += levelSheets(byUnit.result, context: context)
        if !wishes.questions.isEmpty { sheets.append(wishesSheet(wishes)) }
        sheets.append(methodSheet(context, responses: overview.responses, controlled: overview.disclosureControlled))
        return Workbook(sheets: sheets)
    }

    private func figures(_ r: IndexResult.Row) -> [Workbook.Cell] {
        [.decimal(r.estimate), .decimal(r.se), .decimal(r.ciLow), .decimal(r.ciHigh), .integer(r.n), .text(r.lowN ? "có" : "")]
    }

    private func wholeCampaign(_ o: Dashboards.Overview) -> Workbook.Sheet {
        Workbook.Sheet(name: "Toàn kỳ", header: ["Mã", "Chỉ tiêu", "Cấp"] + Self.figureHeader,
                       rows: o.nodes.map { n in [.text(n.row.node), .text(n.row.title), .integer(n.row.depth)] + figures(n.row) },
                       widths: [10, 60, 6, 14, 14, 14, 14, 10, 8])
    }

    /// The target as the plan words it, or from its value ("trên 93%"); empty without one.
    static func targetText(_ unit: Dashboards.MeasuredUnit?) -> String {
        if let text = unit?.targetText, !text.isEmpty { return text }
        guard let t = unit?.target else { return "" }
        return "\(t.comparator.label) \(DecimalText.vietnamese(t.percent, decimals: t.percent.rounded() == t.percent ? 0 : 2))%"
    }

    private func rankingSheet(_ r: Dashboards.UnitRanking) -> Workbook.Sheet {
        let rows: [[Workbook.Cell]] = r.rows.map { row in
            let e = row.entry
            return [.integer(e.rank), .integer(e.bestRank), .integer(e.worstRank), .text(row.code), .text(row.unit?.unit.name ?? row.code),
                    .decimal(e.estimate), .decimal(e.low), .decimal(e.high), .integer(row.n), .text(e.lowN ? "có" : ""),
                    .text(row.standing.label), .text(Self.targetText(row.unit)), .text(row.targetStanding?.outcome.label ?? "")]
        }
        return Workbook.Sheet(name: "Xếp hạng", header: ["Hạng", "Hạng cao nhất có thể", "Hạng thấp nhất có thể", "Mã đơn vị", "Đơn vị",
                                                         "Tỷ lệ hài lòng (%)", "Cận dưới 95% (%)", "Cận trên 95% (%)", "Số phiếu", "Ít phiếu",
                                                         "So với cả kỳ", "Mục tiêu", "So với mục tiêu"],
                              rows: rows, widths: [7, 10, 10, 10, 32, 14, 14, 14, 10, 8, 24, 16, 22])
    }

    /// One sheet per depth of the trees, a row per unit and node.
    private func levelSheets(_ result: IndexResult, context: Dashboards.Context) -> [Workbook.Sheet] {
        let depths = Set(result.rows.map(\.depth)).sorted()
        let names = Dictionary(context.units.map { ($0.unit.code, $0.unit.name) }) { a, _ in a }
        var rowsOf: [Int: [[Workbook.Cell]]] = [:]
        for r in result.rows {
            let code = r.group.first ?? ""
            rowsOf[r.depth, default: []].append([.text(code), .text(names[code] ?? code), .text(r.node), .text(r.title)] + figures(r))
        }
        return depths.map { depth in
            Workbook.Sheet(name: Self.levelNames[min(depth, Self.levelNames.count - 1)] + Self.perUnitSuffix,
                           header: ["Mã đơn vị", "Đơn vị", "Mã chỉ tiêu", "Chỉ tiêu"] + Self.figureHeader,
                           rows: rowsOf[depth] ?? [], widths: [10, 30, 10, 50, 14, 14, 14, 14, 10, 8])
        }
    }

    private func wishesSheet(_ w: Dashboards.Wishes) -> Workbook.Sheet {
        var rows: [[Workbook.Cell]] = []
        for q in w.questions {
            for s in q.shares {
                let r = s.row
                rows.append([.text(q.itemCode), .text(q.itemText), .integer(s.entry.optionCode), .text(s.entry.optionLabel ?? ""),
                             .decimal(r?.estimate), .decimal(r?.se), .decimal(r?.ciLow), .decimal(r?.ciHigh), .integer(r?.n), .text(r?.lowN == true ? "có" : "")])
            }
        }
        return Workbook.Sheet(name: "Mong muốn", header: ["Mã câu hỏi", "Câu hỏi", "Mã lựa chọn", "Lựa chọn", "Tỷ lệ (%)", "Sai số chuẩn (điểm %)",
                                                          "Cận dưới 95% (%)", "Cận trên 95% (%)", "Số người trả lời", "Ít phiếu"],
                              rows: rows, widths: [10, 50, 8, 40, 12, 14, 14, 14, 10, 8])
    }

    private func methodSheet(_ c: Dashboards.Context, responses: Int, controlled: Bool) -> Workbook.Sheet {
        let lines: [(String, String)] = [
            ("Kỳ đo lường", "\(c.campaign.code) — \(c.campaign.title)"),
            ("Năm", String(c.campaign.year)),
            ("Bảng hỏi", "\(c.questionnaire.id) phiên bản \(c.questionnaire.version): \(c.questionnaire.title)"),
            ("Số phiếu", String(responses)),
            ("Số đơn vị được đo", String(c.units.count)),
            ("Cách tính", "Tỷ lệ hài lòng của tiêu chí = tổng trọng số người hài lòng / tổng trọng số người trả lời hợp lệ; lĩnh vực và chỉ số = trung bình các thành phần. Sai số chuẩn theo tuyến tính hóa Taylor với thiết kế mẫu (tầng, đơn vị mẫu); khoảng tin cậy 95% = ước lượng ± 1,96 × sai số chuẩn."),
            ("Ít phiếu", "Ước lượng của dưới \(c.minN) phiếu được đánh dấu \"có\" ở cột Ít phiếu: kém tin cậy."),
            ("Công bố", controlled ? "Số liệu tổng hợp: nhóm dưới \(c.minN) phiếu không có trong bảng." : "Bảng của người quản trị kỳ đo lường: mọi nhóm."),
            ("Số liệu", "Giá trị lưu đủ chữ số; hiển thị hai chữ số thập phân."),
        ]
        return Workbook.Sheet(name: "Phương pháp", header: ["Mục", "Nội dung"], rows: lines.map { [.text($0.0), .text($0.1)] }, widths: [22, 100])
    }
}

extension Platform {
    public var workbooks: CampaignWorkbook { CampaignWorkbook(self) }
}
