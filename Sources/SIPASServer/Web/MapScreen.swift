import Foundation
import SIPASApp
import SIPASReports
import SIPASCore

/// The measured units on a map coloured by their index, with the table of the same figures.
extension WebScreens {
    func registerMapScreen() {
        page("/campaigns/{id}/map") { request, context, user in
            let map = try await platform.dashboards.map(campaign: try Self.id(context), node: Self.query(request, "node"), by: user)
            return templates.page("map", MapPage(map, page: try Self.intQuery(request, "page") ?? 1, user: user, csrf: context.csrfToken))
        }
    }
}

struct MapPage: Sendable {
    struct Line: Sendable {
        var name: String
        var href: String
        var estimate: String
        var interval: String
        var band: String
        var lowN: Bool
    }

    var chrome: Chrome
    var tabs: DashboardTabs
    var campaign: CampaignLine
    var nodeTitle: String
    var chart: String
    /// The table's rows, written directly (3,321 in a national campaign).
    var lineRows: String
    var unplaced: [String]
    var hasUnplaced: Bool
    /// The table comes a page at a time (the map shows every unit).
    var pageText: String?
    var previousHref: String?
    var nextHref: String?
    static let pageSize = 200
    var notice: String?

    init(_ m: Dashboards.UnitMap, page: Int, user: User, csrf: String?) {
        let c = m.ranking.context.campaign
        chrome = Chrome(title: "Bản đồ — \(c.title)", user: user, csrf: csrf, section: "campaigns")
        tabs = DashboardTabs(campaign: c, current: "map", user: user)
        campaign = CampaignLine(c)
        nodeTitle = m.ranking.nodeTitle
        func href(_ code: String) -> String {
            "/campaigns/\(c.id)/dashboard?unit=\(code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }
        let dots = m.points.compactMap { p -> UnitMapChart.Dot? in
            guard let at = p.location else { return nil }
            return .init(label: p.unit.name, latitude: at.latitude, longitude: at.longitude, estimate: p.figure?.entry.estimate,
                         lowN: p.figure?.entry.lowN ?? false, href: p.figure == nil ? nil : href(p.unit.code))
        }
        chart = UnitMapChart(title: "Bản đồ các đơn vị được đo theo \(m.ranking.nodeTitle)", dots: dots).svg()
        let paging = Pagination(count: m.points.count, page: page, size: Self.pageSize)
        if paging.isPaged {
            pageText = "Bảng: trang \(paging.current)/\(paging.pages)"
            (previousHref, nextHref) = paging.links("/campaigns/\(c.id)/map?page=")
        }
        let lines = m.points[paging.range].map { p in
            let e = p.figure?.entry
            return Line(name: p.unit.name, href: href(p.unit.code), estimate: VietnameseFormat.percent(e?.estimate),
                        interval: VietnameseFormat.interval(e?.low, e?.high), band: UnitMapChart.band(e?.estimate).label, lowN: e?.lowN ?? false)
        }
        var rows = HTMLRows()
        for line in lines {
            rows.row(lowN: line.lowN) { row in
                row.header(line.name, href: line.href)
                row.cell(line.estimate, numeric: true)
                row.cell(line.interval, numeric: true)
                row.cell(line.band)
            }
        }
        lineRows = rows.html
        unplaced = m.points.filter { $0.location == nil }.map(\.unit.name)
        hasUnplaced = !unplaced.isEmpty
        notice = disclosureNotice(m.ranking.disclosureControlled, minN: m.ranking.context.minN)
    }
}
