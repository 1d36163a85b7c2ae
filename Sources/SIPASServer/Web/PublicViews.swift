import Foundation
import SIPASApp
import SIPASReports
import SIPASCore

/// View models of the public pages: no account, only published aggregates.
struct PublicIndexPage: Sendable {
    struct Line: Sendable {
        var code: String
        var title: String
        var year: Int
    }

    var title = "Kết quả đo lường sự hài lòng đã công bố"
    var lines: [Line]
    init(campaigns: [Campaign]) { lines = campaigns.map { Line(code: $0.code, title: $0.title, year: $0.year) } }
}

struct PublicCampaignPage: Sendable {
    var title: String
    var code: String
    var year: Int
    var headline: DashboardPage.NodeLine?
    var nodes: [DashboardPage.NodeLine]
    var chart: String?
    var rankingChart: String
    var rows: String
    var pageText: String?
    var previousHref: String?
    var nextHref: String?
    var withheld: String?
    var minN: Int
    /// "Tìm đơn vị": what was typed and the units whose name or code matches.
    var query = ""
    var found: [FoundUnit] = []
    var searched = false
    var allUnits: [FoundUnit] = []
    /// Where the final draw's record, draw and projection are, for anyone to re-run it.
    var sampleFiles: String?
    /// The areas files of a multi-stage draw, in stage order.
    var areaFiles: [AreaFile] = []
    struct AreaFile: Sendable {
        var url: String
        var stage: Int
    }
    static let pageSize = 200

    struct FoundUnit: Sendable {
        var name: String
        var href: String
        var figure: String
    }

    init(_ o: Dashboards.Overview, _ r: Dashboards.UnitRanking, page: Int) {
        let c = o.context.campaign
        title = c.title
        code = c.code
        year = c.year
        nodes = DashboardPage.nodeLines(o).filter { $0.depthClass == "depth-0" || $0.depthClass == "depth-1" }
        headline = DashboardPage.headline(nodes)
        chart = headline == nil ? nil : DashboardPage.chart(o)
        minN = o.context.minN
        let shownRows = r.rows.filter { $0.entry.estimate != nil }
        var charted = shownRows
        var chartTitle = "Chỉ số hài lòng của các đơn vị, khoảng tin cậy 95%"
        if charted.count > 60 {
            charted = Array(charted.prefix(25) + charted.suffix(25))
            chartTitle += ": 25 đơn vị cao nhất và 25 đơn vị thấp nhất"
        }
        rankingChart = IntervalChart(key: "public-ranking", title: chartTitle, rows: charted.map {
            .init(label: $0.unit?.unit.name ?? $0.code, estimate: $0.entry.estimate, low: $0.entry.low, high: $0.entry.high, lowN: false)
        }, lines: r.reference.map { [.init(value: $0, label: "cả kỳ", dashed: true)] } ?? []).svg()
        let paging = Pagination(count: shownRows.count, page: page, size: Self.pageSize)
        if paging.isPaged {
            pageText = "Trang \(paging.current)/\(paging.pages)"
            (previousHref, nextHref) = paging.links("/public/\(c.code)?page=")
        }
        var html = HTMLRows()
        for row in shownRows[paging.range] {
            let e = row.entry
            html.row { cells in
                cells.cell(e.rank.map(String.init) ?? "—", numeric: true, label: "Hạng")
                cells.cell(e.bestRank.map { best in best == e.worstRank ? "\(best)" : "\(best)–\(e.worstRank ?? best)" } ?? "—", numeric: true,
                           label: "Khoảng hạng")
                cells.header(row.unit?.unit.name ?? row.code,
                             href: "/public/\(c.code)/units/\(row.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
                cells.cell(VietnameseFormat.percent(e.estimate), numeric: true, label: "Chỉ số")
                cells.cell(VietnameseFormat.interval(e.low, e.high), numeric: true, label: "Khoảng tin cậy 95%")
                cells.cell(VietnameseFormat.count(row.n), numeric: true, label: "Số phiếu")
                cells.cell(row.targetStanding?.outcome.label ?? "", label: "So với mục tiêu")
            }
        }
        rows = html.html
        let figures = Dictionary(shownRows.map { ($0.code, VietnameseFormat.percent($0.entry.estimate)) }) { a, _ in a }
        allUnits = o.context.units.map { u in
            FoundUnit(name: u.unit.name, href: "/public/\(c.code)/units/\(u.unit.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")",
                      figure: figures[u.unit.code] ?? "không công bố")
        }
        let hidden = o.context.units.count - shownRows.count
        withheld = hidden > 0 ? "\(VietnameseFormat.count(hidden)) đơn vị không được công bố số liệu: đơn vị có dưới \(o.context.minN) phiếu, hoặc đơn vị mà số liệu của nó cùng với số liệu chung sẽ cho suy ra được một đơn vị như vậy." : nil
    }
}

extension PublicCampaignPage {
    /// A citizen looking for their commune by name (without diacritics too) or code.
    mutating func find(_ text: String?) {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        query = text
        searched = true
        let folded = SearchText.fold(text.trimmingCharacters(in: .whitespaces))
        found = allUnits.filter { SearchText.fold($0.name).contains(folded) || $0.href.hasSuffix("/" + text) }.prefix(50).map { $0 }
    }
}

struct PublicUnitPage: Sendable {
    var title: String
    var campaignTitle: String
    var code: String
    var year: Int
    var unitName: String
    var unitCode: String
    var headline: DashboardPage.NodeLine?
    var nodes: [DashboardPage.NodeLine]
    var chart: String?
    var target: String?
    var targetOutcome: String?
    var change: ChangeLine?
    var reform: String?
    var badgeHref: String
    var minN: Int
    var campaignFigure: String?

    struct ChangeLine: Sendable {
        var earlierTitle: String
        var earlier: String
        var later: String
        var delta: String
        var interval: String
        var direction: String
    }

    init(_ o: Dashboards.Overview, change: Dashboards.CampaignChange?, campaignFigure: Double?) {
        let c = o.context.campaign, unit = o.unit!
        title = "\(unit.unit.name) — \(c.year)"
        campaignTitle = c.title
        code = c.code
        year = c.year
        unitName = unit.unit.name
        unitCode = unit.unit.code
        nodes = DashboardPage.nodeLines(o).filter { $0.depthClass == "depth-0" || $0.depthClass == "depth-1" }
        headline = DashboardPage.headline(nodes)
        chart = headline == nil ? nil : DashboardPage.chart(o)
        if let t = o.target {
            target = unit.targetText ?? "\(t.comparator.label) \(VietnameseFormat.percent(t.percent))"
            targetOutcome = headline == nil ? nil : o.targetStanding?.outcome.label
        }
        if let change, let row = change.units.first(where: { $0.code == unit.unit.code }), row.earlier?.estimate != nil, row.later?.estimate != nil {
            self.change = ChangeLine(earlierTitle: "\(change.earlier.campaign.title) (\(change.earlier.campaign.year))",
                                     earlier: VietnameseFormat.percent(row.earlier?.estimate), later: VietnameseFormat.percent(row.later?.estimate),
                                     delta: VietnameseFormat.points(row.change?.delta), interval: VietnameseFormat.pointsInterval(row.change?.low, row.change?.high),
                                     direction: row.change?.direction.label ?? "")
            if change.reestimated {
                reform = "Kỳ \(change.earlier.campaign.year) đo trên đơn vị hành chính trước ngày 01/07/2025; số liệu kỳ đó được ước lượng lại cho đơn vị hiện nay từ phiếu của các xã, phường cũ đã hợp thành đơn vị này."
            }
        }
        let path = "/public/\(c.code)/units/\(unit.unit.code)"
        badgeHref = path + "/badge.svg"
        minN = o.context.minN
        self.campaignFigure = campaignFigure.map { VietnameseFormat.percent($0) }
    }
}

/// The code a unit's web team pastes into its portal: shown to the campaign's administrators on
/// the unit's dashboard, not to every reader of the public page.
enum EmbedCode {
    static func widget(origin: String, campaign: Campaign, unit: AdminUnit) -> String {
        let path = "/public/\(campaign.code)/units/\(unit.code)"
        return "<iframe src=\"\(origin)\(path)/widget\" width=\"320\" height=\"150\" style=\"border:0\" title=\"Chỉ số hài lòng \(campaign.year): \(unit.name)\" loading=\"lazy\"></iframe>"
    }
}

struct PublicMethodPage: Sendable {
    var title: String
    var code: String
    var method: [String]
    var minN: Int
    init(_ r: CampaignReport) {
        title = r.overview.context.campaign.title
        code = r.overview.context.campaign.code
        method = ReportPage.method(r)
        minN = r.overview.context.minN
    }
}

struct PublicWidget: Sendable {
    var label: String
    var value: String
    var interval: String?
    var unitName: String
    var href: String
    init(_ o: Dashboards.Overview) {
        let c = o.context.campaign, unit = o.unit!
        label = "Chỉ số hài lòng \(c.year)"
        let root = o.nodes.first?.row
        value = root?.estimate.map { VietnameseFormat.percent($0) } ?? "chưa đủ phiếu"
        interval = root.flatMap { $0.estimate == nil ? nil : "khoảng tin cậy 95%: \(VietnameseFormat.interval($0.ciLow, $0.ciHigh))" }
        unitName = unit.unit.name
        href = "/public/\(c.code)/units/\(unit.unit.code)"
    }
}

/// "Chỉ số hài lòng 2023 | 92,70%" as an SVG badge.
struct PublicBadge: Sendable {
    var label: String
    var value: String
    var measured: Bool
    init(_ o: Dashboards.Overview) {
        label = "Chỉ số hài lòng \(o.context.campaign.year)"
        let estimate = o.nodes.first?.row.estimate
        value = estimate.map { VietnameseFormat.percent($0) } ?? "chưa đủ phiếu"
        measured = estimate != nil
    }

    func svg() -> String {
        let left = Double(label.count) * 6.6 + 14, right = Double(value.count) * 7.0 + 14, width = left + right
        func n(_ v: Double) -> String { String(Int(v.rounded())) }
        let title = HTMLText.escape("\(label): \(value)")
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="22" viewBox="0 0 \(n(width)) 22" role="img" aria-label="\(title)">\
        <title>\(title)</title><rect width="\(n(left))" height="22" rx="3" fill="#3d4852"/>\
        <rect x="\(n(left))" width="\(n(right))" height="22" rx="3" fill="\(measured ? "#0b5394" : "#6b7785")"/>\
        <rect x="\(n(left - 3))" width="6" height="22" fill="\(measured ? "#0b5394" : "#6b7785")"/>\
        <g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">\
        <text x="7" y="15">\(HTMLText.escape(label))</text><text x="\(n(left + 7))" y="15" font-weight="bold">\(HTMLText.escape(value))</text></g></svg>
        """
    }
}

struct PublicErrorPage: Sendable {
    var heading: String
    var message: String
    var title: String
    init(heading: String, message: String) {
        self.heading = heading
        self.message = message
        title = heading
    }
}
