import Foundation
import Hummingbird
import SIPASApp
import SIPASCore
import SIPASFormats

/// A campaign's official outputs for its readers: the printable report (HTML with print styles,
/// and PDF printed by headless Chromium), the workbook (XLSX) and its tables as CSV for Excel.
extension WebScreens {
    func registerReportScreens() {
        page("/campaigns/{id}/report") { _, context, user in
            let id = try Self.id(context)
            let report = try await platform.reports.report(campaign: id, by: user)
            let page = ReportPage(report, style: .linked("/static/report.css"), toolbar: .init(campaign: id))
            return templates.page("report", page)
        }
        page("/campaigns/{id}/report.pdf") { _, context, user in
            let id = try Self.id(context)
            let report = try await platform.reports.report(campaign: id, by: user)
            let html = templates.render("report", ReportPage(report, style: .inline(WebTemplates.reportStyle), toolbar: nil))
            let pdf = try await PDFPrinter.pdf(of: html)
            return Self.download(pdf, type: "application/pdf", name: "\(report.overview.context.campaign.code)-bao-cao.pdf")
        }
        page("/campaigns/{id}/report.xlsx") { _, context, user in
            let id = try Self.id(context)
            let workbook = try await platform.workbooks.workbook(campaign: id, by: user)
            let campaign = try await platform.campaigns.campaign(id, by: user)
            return Self.download(workbook.xlsx(), type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                 name: "\(campaign.code)-bang-tinh.xlsx")
        }
        page("/campaigns/{id}/tables.csv") { _, context, user in
            let id = try Self.id(context)
            let workbook = try await platform.workbooks.workbook(campaign: id, by: user)
            let campaign = try await platform.campaigns.campaign(id, by: user)
            let levels = workbook.sheets.indices.filter { workbook.sheets[$0].name.hasSuffix(CampaignWorkbook.perUnitSuffix) }
            return Self.download(Array(workbook.csvForExcel(sheets: levels).utf8), type: "text/csv; charset=utf-8", name: "\(campaign.code)-theo-don-vi.csv")
        }
    }

    static func download(_ bytes: [UInt8], type: String, name: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "private, no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

struct ReportPage: Sendable {
    enum Style { case linked(String), inline(String) }

    struct Toolbar: Sendable {
        var back: String
        var pdf: String
        var xlsx: String
        var csv: String
        init(campaign id: Int) {
            back = "/campaigns/\(id)"
            pdf = "/campaigns/\(id)/report.pdf"
            xlsx = "/campaigns/\(id)/report.xlsx"
            csv = "/campaigns/\(id)/tables.csv"
        }
    }

    var title: String
    var cssHref: String?
    var cssInline: String?
    var toolbar: Toolbar?
    var issuerAbove: String?
    var issuer: String
    var issuerName: String
    var numberLine: String
    var placeDate: String
    var subject: String
    var legalBasis: String?
    var campaignCode: String
    var headline: DashboardPage.NodeLine?
    var chart: String?
    var nodes: [DashboardPage.NodeLine]
    var reference: String?
    var rankingChart: String?
    var rankingChartTitle: String
    /// One row per unit, four cells each: a national report has 3,321 of them, and the printer's
    /// time grows with the cells.
    var unitRows: String
    var hasTargets: Bool
    var withheld: String?
    var hasWishes: Bool
    var wishes: [WishesPage.Question]
    var method: [String]
    var methodNumber: String
    var proposalNumber: String
    var minN: Int
    var recipients: [String]
    var signatureAuthority: String
    var signatureTitle: String

    init(_ r: CampaignReport, style: Style, toolbar: Toolbar?) {
        let o = r.overview, c = o.context.campaign
        title = "Báo cáo — \(c.title)"
        switch style {
        case let .linked(href): cssHref = href
        case let .inline(css): cssInline = css
        }
        self.toolbar = toolbar
        issuerAbove = r.issuerAbove.isEmpty ? nil : r.issuerAbove
        issuer = r.issuer
        issuerName = r.issuerName
        numberLine = "        /BC-" + (r.issuerAbove.isEmpty ? "BNV" : "UBND")
        placeDate = "\(r.place), \(Self.administrativeDate(r.date))"
        subject = "Kết quả đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước năm \(c.year)"
        legalBasis = c.legalBasis.isEmpty ? nil : c.legalBasis
        campaignCode = c.code
        nodes = DashboardPage.nodeLines(o)
        headline = nodes.first
        chart = nodes.isEmpty ? nil : DashboardPage.chart(o)
        reference = r.ranking.reference.map { VietnameseFormat.percent($0) }
        var charted = r.ranking.rows.filter { $0.entry.estimate != nil }
        rankingChartTitle = "Chỉ số hài lòng của các đơn vị, khoảng tin cậy 95%"
        if charted.count > 40 {
            charted = Array(charted.prefix(20) + charted.suffix(20))
            rankingChartTitle += ": 20 đơn vị cao nhất và 20 đơn vị thấp nhất"
        }
        rankingChart = charted.isEmpty ? nil : IntervalChart(key: "report-ranking", title: rankingChartTitle, rows: charted.map {
            .init(label: $0.unit?.unit.name ?? $0.code, estimate: $0.entry.estimate, low: $0.entry.low, high: $0.entry.high, lowN: $0.entry.lowN)
        }, lines: r.ranking.reference.map { [.init(value: $0, label: "cả kỳ", dashed: true)] } ?? []).svg()
        let hasTargets = r.ranking.rows.contains { $0.unit?.target != nil }
        self.hasTargets = hasTargets
        var rows = HTMLRows()
        for row in r.ranking.rows {
            let e = row.entry
            rows.row { cells in
                let range = e.bestRank.map { best in best == e.worstRank ? "" : " (\(best)–\(e.worstRank ?? best))" } ?? ""
                cells.cell((e.rank.map(String.init) ?? "—") + range, numeric: true)
                cells.header(row.unit?.unit.name ?? row.code)
                cells.cell("\(VietnameseFormat.percent(e.estimate)) \(VietnameseFormat.interval(e.low, e.high)); \(VietnameseFormat.count(row.n))\(e.lowN ? "*" : "") phiếu", numeric: true)
                if hasTargets {
                    let target = row.unit?.targetText ?? row.unit?.target.map { "\($0.comparator.label) \(VietnameseFormat.percent($0.percent))" } ?? ""
                    cells.cell(target.isEmpty ? "" : target + ": " + (row.targetStanding?.outcome.label ?? ""))
                }
            }
        }
        unitRows = rows.html
        withheld = r.ranking.withheld > 0 ? "\(VietnameseFormat.count(r.ranking.withheld)) đơn vị chưa đủ phiếu để công bố số liệu." : nil
        wishes = r.wishes.withheld ? [] : WishesPage.questions(r.wishes)
        hasWishes = !wishes.isEmpty
        methodNumber = hasWishes ? "IV" : "III"
        proposalNumber = hasWishes ? "V" : "IV"
        minN = o.context.minN
        method = Self.method(r)
        recipients = r.issuerAbove.isEmpty ? ["Các bộ, ngành, địa phương được đo lường;", "Lưu: VT."]
            : ["Bộ Nội vụ (để báo cáo);", "Các cơ quan, đơn vị được đo lường;", "Lưu: VT."]
        signatureAuthority = r.issuerAbove.isEmpty ? "KT. BỘ TRƯỞNG" : "TM. ỦY BAN NHÂN DÂN"
        signatureTitle = r.issuerAbove.isEmpty ? "THỨ TRƯỞNG" : "CHỦ TỊCH"
    }

    static func method(_ r: CampaignReport) -> [String] {
        let s = r.sample, q = r.overview.context.questionnaire
        var lines = ["Bảng hỏi: \(q.title) (\(q.id), phiên bản \(q.version)). Số phiếu hợp lệ: \(VietnameseFormat.count(s.responses)), tại \(VietnameseFormat.count(s.units)) đơn vị được đo."]
        if let small = s.smallestUnit, let large = s.largestUnit, small == large {
            lines.append("Mỗi đơn vị có số liệu (\(VietnameseFormat.count(s.unitsWithFigures)) đơn vị) có \(VietnameseFormat.count(small)) phiếu.")
        } else if let small = s.smallestUnit, let large = s.largestUnit, let median = s.medianUnit {
            lines.append("Mỗi đơn vị có số liệu (\(VietnameseFormat.count(s.unitsWithFigures)) đơn vị) có từ \(VietnameseFormat.count(small)) đến \(VietnameseFormat.count(large)) phiếu, trung vị \(VietnameseFormat.count(median)) phiếu.")
        }
        if let whole = s.marginWhole {
            var text = "Sai số (nửa độ rộng khoảng tin cậy 95%) của chỉ số chung là ±\(DecimalText.vietnamese(whole)) điểm phần trăm"
            if let a = s.marginSmallest, let b = s.marginLargest, DecimalText.vietnamese(a) == DecimalText.vietnamese(b) {
                text += "; của chỉ số từng đơn vị ±\(DecimalText.vietnamese(a)) điểm"
            } else if let a = s.marginSmallest, let b = s.marginLargest { text += "; của chỉ số từng đơn vị từ ±\(DecimalText.vietnamese(a)) đến ±\(DecimalText.vietnamese(b)) điểm" }
            lines.append(text + ".")
        }
        lines.append("Tỷ lệ hài lòng của một tiêu chí là tỷ lệ (có trọng số thiết kế) người trả lời \"hài lòng\" hoặc \"rất hài lòng\" trong số người trả lời hợp lệ câu hỏi đó; chỉ số của lĩnh vực và chỉ số chung là trung bình của các thành phần. Sai số chuẩn tính theo phương pháp tuyến tính hóa Taylor với thiết kế mẫu (tầng, đơn vị mẫu); khoảng tin cậy 95% bằng ước lượng ± 1,96 lần sai số chuẩn.")
        if r.overview.disclosureControlled {
            lines.append("Để bảo đảm bí mật của người trả lời, số liệu của nhóm có dưới \(r.overview.context.minN) phiếu không được công bố.")
        }
        return lines
    }

    /// "ngày 05 tháng 02 năm 2026": days below 10 and the months January and February with a leading 0.
    static func administrativeDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? .current
        let c = calendar.dateComponents([.day, .month, .year], from: date)
        let day = c.day ?? 1, month = c.month ?? 1
        return "ngày \(day < 10 ? "0" : "")\(day) tháng \(month < 3 ? "0" : "")\(month) năm \(c.year ?? 2026)"
    }
}
