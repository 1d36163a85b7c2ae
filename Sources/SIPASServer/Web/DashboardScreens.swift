import Foundation
import Hummingbird
import SIPASApp
import SIPASReports
import SIPASCore

/// A campaign's dashboards: the index of the campaign or of a unit, the ranking of units, change
/// since an earlier campaign, and responses received. Figures come from the dashboards use case,
/// the same as the API's; this file only lays them out.
extension WebScreens {
    func registerDashboardScreens() {
        page("/campaigns/{id}/dashboard") { request, context, user in
            let id = try Self.id(context)
            // A commune's viewer opens on its commune; "whole" asks for the campaign.
            var unit = Self.query(request, "unit")
            let asked = WebForm.parse(request.uri.query ?? "").contains { $0.0 == "unit" }
            if unit == nil, !asked { unit = try await platform.dashboards.ownUnitCode(campaign: id, by: user) }
            let overview = try await platform.dashboards.overview(campaign: id, unitCode: unit, by: user)
            var page = DashboardPage(overview, user: user, csrf: context.csrfToken)
            if let measured = overview.unit, Publications.isPublic(overview.context.campaign.status), AccessPolicy.allows(user.role, .manageCampaigns) {
                page.embed = EmbedCode.widget(origin: Self.origin(request, trustProxy: trustProxy), campaign: overview.context.campaign, unit: measured.unit)
                page.badgeHref = "/public/\(overview.context.campaign.code)/units/\(measured.unit.code)/badge.svg"
            }
            return templates.page("dashboard", page)
        }
        page("/campaigns/{id}/ranking") { request, context, user in
            let ranking = try await platform.dashboards.ranking(campaign: try Self.id(context), node: Self.query(request, "node"), by: user)
            return templates.page("ranking", RankingPage(ranking, page: try Self.intQuery(request, "page") ?? 1, user: user, csrf: context.csrfToken))
        }
        page("/campaigns/{id}/change") { request, context, user in
            let id = try Self.id(context)
            let earlier = try await platform.dashboards.earlierCampaigns(than: id, by: user)
            guard let since = try Self.intQuery(request, "since") ?? earlier.first?.id else {
                let campaign = try await platform.campaigns.campaign(id, by: user)
                return templates.page("change", ChangePage(empty: campaign, user: user, csrf: context.csrfToken))
            }
            let change = try await platform.dashboards.change(campaign: id, since: since, by: user)
            return templates.page("change", ChangePage(change, choices: earlier, user: user, csrf: context.csrfToken))
        }
        page("/campaigns/{id}/received") { _, context, user in
            let received = try await platform.dashboards.received(campaign: try Self.id(context), by: user)
            return templates.page("received", ReceivedPage(received, user: user, csrf: context.csrfToken))
        }
    }
}

/// Links between a campaign's dashboards.
struct DashboardTabs: Sendable {
    struct Tab: Sendable {
        var href: String
        var label: String
        var current: Bool
    }

    var tabs: [Tab]

    init(campaign: Campaign, current: String, user: User) {
        var all = [("dashboard", "Chỉ số"), ("ranking", "Xếp hạng đơn vị"), ("wishes", "Mong muốn"), ("map", "Bản đồ"), ("change", "So sánh giữa các kỳ")]
        if AccessPolicy.allows(user.role, .manageCampaigns) { all.append(("received", "Tiến độ nhận phiếu")) }
        tabs = all.map { Tab(href: "/campaigns/\(campaign.id)/\($0.0)", label: $0.1, current: $0.0 == current) }
    }
}

/// Choosing the whole campaign or one unit: a list for a province's few dozen units, a search box
/// (code or name) for a national campaign's thousands, which no one scrolls through.
struct UnitPicker: Sendable {
    var units: [DashboardPage.UnitOption]
    var wholeSelected: Bool
    var search: Bool
    var query: String
    static let listLimit = 300

    init(_ context: Dashboards.Context, current: Dashboards.MeasuredUnit?) {
        search = context.units.count > Self.listLimit
        units = search ? [] : context.units.map { .init(code: $0.unit.code, name: $0.unit.name, selected: $0.unit.code == current?.unit.code) }
        wholeSelected = current == nil
        query = current.map { "\($0.unit.name) (\($0.unit.code))" } ?? ""
        if let current, search { query = current.unit.code }
    }
}

/// The notice every dashboard carries for a role that sees aggregates only.
func disclosureNotice(_ controlled: Bool, minN: Int) -> String? {
    controlled ? "Số liệu tổng hợp: nhóm dưới \(minN) phiếu không được hiển thị, để không ai suy ra được câu trả lời của từng người." : nil
}

struct DashboardPage: Sendable {
    typealias NodeLine = SIPASReports.NodeLine
    typealias PriorityLine = SIPASReports.PriorityLine

    struct UnitOption: Sendable {
        var code: String
        var name: String
        var selected: Bool
    }

    var chrome: Chrome
    var tabs: DashboardTabs
    var campaign: CampaignLine
    var scopeTitle: String
    var rankText: String?
    /// Beside a unit's figure, the campaign's for the same node.
    var campaignText: String?
    /// The questionnaire's other trees (interest, wishes as shares).
    var others: [NodeLine] = []
    var hasOthers = false
    var hasNodes = false
    var hasPriorities = false
    var indexWithheld: String?
    /// For the campaign's administrators once public: the code for the unit's portal.
    var embed: String?
    var badgeHref: String?
    var picker: UnitPicker
    var headline: NodeLine?
    var target: String?
    var targetOutcome: String?
    var targetDistance: String?
    var nodes: [NodeLine]
    var chart: String
    var priorities: [PriorityLine]
    var responses: String
    var notice: String?
    var withheld: Bool
    var comparedWithCampaign: Bool

    init(_ o: Dashboards.Overview, user: User, csrf: String?) {
        let c = o.context.campaign
        let title = o.unit.map { "\($0.unit.name) — \(c.title)" } ?? c.title
        chrome = Chrome(title: title, user: user, csrf: csrf, section: "campaigns")
        tabs = DashboardTabs(campaign: c, current: "dashboard", user: user)
        campaign = CampaignLine(c)
        scopeTitle = o.unit?.unit.name ?? "Toàn bộ kỳ đo lường (\(VietnameseFormat.count(o.unitCount)) đơn vị)"
        rankText = Self.rankWords(o).map { "Hạng \($0.position)/\($0.among) trong các đơn vị có số liệu của kỳ\($0.range)" }
        picker = UnitPicker(o.context, current: o.unit)
        if o.unit != nil, let figure = o.nodes.first?.campaignEstimate { campaignText = "tỷ lệ chung của kỳ: \(VietnameseFormat.percent(figure))" }
        let lines = Self.nodeLines(o)
        nodes = lines
        headline = Self.headline(lines)
        others = Self.nodeLines(o, satisfaction: false)
        hasNodes = !lines.isEmpty
        hasOthers = !others.isEmpty
        if headline == nil && !lines.isEmpty && !o.withheld {
            indexWithheld = "Chỉ số chung không được công bố: một số tiêu chí có dưới \(o.context.minN) câu trả lời, hoặc được che để bảo vệ một nhóm nhỏ khác. Các tiêu chí có số liệu ở bảng dưới."
        }
        if let t = o.target {
            target = "\(t.comparator.label) \(VietnameseFormat.percent(t.percent))"
            targetOutcome = o.targetStanding?.outcome.label
            targetDistance = o.targetStanding.map { "\(VietnameseFormat.points($0.distance)) điểm \(VietnameseFormat.pointsInterval($0.distanceLow, $0.distanceHigh))" }
        }
        chart = Self.chart(o)
        // Gains are shares of the index: without it there is nothing to rank them by.
        priorities = headline == nil ? [] : Self.priorityLines(o.priorities.filter { $0.index == o.context.rootCode })
        hasPriorities = !priorities.isEmpty
        responses = VietnameseFormat.count(o.responses)
        notice = disclosureNotice(o.disclosureControlled, minN: o.context.minN)
        withheld = o.withheld
        comparedWithCampaign = o.unit != nil
    }

    static func priorityLines(_ priorities: [Priority]) -> [PriorityLine] { FigureLines.priorityLines(priorities) }
    static func rankWords(_ o: Dashboards.Overview) -> (position: Int, among: String, range: String)? { FigureLines.rankWords(o) }
    static func nodeLines(_ o: Dashboards.Overview, satisfaction: Bool = true) -> [NodeLine] { FigureLines.nodeLines(o, satisfaction: satisfaction) }
    static func headline(_ lines: [NodeLine]) -> NodeLine? { FigureLines.headline(lines) }
    static func chart(_ o: Dashboards.Overview) -> String { FigureLines.chart(o) }
}

struct RankingPage: Sendable {
    struct Line: Sendable {
        var rank: String
        var rankRange: String
        var code: String
        var name: String
        var href: String
        var estimate: String
        var interval: String
        var n: String
        var lowN: Bool
        var standing: String
        var target: String?
        var targetOutcome: String?
        var hasTargets: Bool
    }

    struct NodeOption: Sendable {
        var code: String
        var title: String
        var selected: Bool
    }

    var chrome: Chrome
    var tabs: DashboardTabs
    var campaign: CampaignLine
    var nodeTitle: String
    var nodes: [NodeOption]
    var reference: String
    var lines: [Line]
    var chart: String
    var withheld: String?
    /// For a viewer who sees its own units only: among how many units their ranks are.
    var rankedAmong: String?
    var notice: String?
    var hasTargets: Bool
    /// Long rankings (a national campaign's 3,321 communes) come a page at a time.
    var pageText: String?
    var previousHref: String?
    var nextHref: String?
    static let pageSize = 200

    init(_ r: Dashboards.UnitRanking, page: Int, user: User, csrf: String?) {
        let c = r.context.campaign
        chrome = Chrome(title: "Xếp hạng đơn vị — \(c.title)", user: user, csrf: csrf, section: "campaigns")
        tabs = DashboardTabs(campaign: c, current: "ranking", user: user)
        campaign = CampaignLine(c)
        nodeTitle = r.nodeTitle
        var options: [NodeOption] = []
        for tree in r.context.questionnaire.indices {
            options.append(NodeOption(code: tree.code, title: tree.title, selected: tree.code == r.node))
            for case let .node(child) in tree.children {
                options.append(NodeOption(code: child.code, title: "— " + child.title, selected: child.code == r.node))
            }
        }
        nodes = options
        reference = VietnameseFormat.percent(r.reference)
        // Only the rows of the page shown are laid out: a national ranking has thousands.
        let hasTargets = r.rows.contains { $0.unit?.target != nil || $0.unit?.targetText != nil }
        self.hasTargets = hasTargets
        let paging = Pagination(count: r.rows.count, page: page, size: Self.pageSize)
        if paging.isPaged {
            pageText = "Trang \(paging.current)/\(paging.pages) — đơn vị thứ \(paging.range.lowerBound + 1) đến \(paging.range.upperBound) trong \(VietnameseFormat.count(r.rows.count))"
            (previousHref, nextHref) = paging.links("/campaigns/\(c.id)/ranking?node=\(r.node.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&page=")
        }
        lines = r.rows[paging.range].map { row in
            let e = row.entry
            return Line(rank: e.rank.map(String.init) ?? "—",
                        rankRange: e.bestRank.map { best in best == e.worstRank ? "\(best)" : "\(best)–\(e.worstRank ?? best)" } ?? "—",
                        code: row.code, name: row.unit?.unit.name ?? row.code,
                        href: "/campaigns/\(c.id)/dashboard?unit=\(row.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")",
                        estimate: VietnameseFormat.percent(e.estimate), interval: VietnameseFormat.interval(e.low, e.high),
                        n: VietnameseFormat.count(row.n), lowN: e.lowN, standing: row.standing.label,
                        target: row.unit?.targetText ?? row.unit?.target.map { "\($0.comparator.label) \(VietnameseFormat.percent($0.percent))" },
                        targetOutcome: row.targetStanding?.outcome.label, hasTargets: hasTargets)
        }
        // A chart of thousands of rows reads as nothing: the 25 best and 25 worst then.
        var charted = r.rows.filter { $0.entry.estimate != nil }
        var chartTitle = "Xếp hạng theo \(r.nodeTitle), khoảng tin cậy 95%"
        if charted.count > 60 {
            charted = Array(charted.prefix(25) + charted.suffix(25))
            chartTitle += ": 25 đơn vị cao nhất và 25 đơn vị thấp nhất"
        }
        chart = IntervalChart(key: "ranking", title: chartTitle,
                              rows: charted.map {
                                  .init(label: $0.unit?.unit.name ?? $0.code, estimate: $0.entry.estimate, low: $0.entry.low, high: $0.entry.high, lowN: $0.entry.lowN)
                              },
                              lines: r.reference.map { [.init(value: $0, label: "cả kỳ", dashed: true)] } ?? []).svg()
        withheld = r.withheld > 0 ? VietnameseFormat.count(r.withheld) : nil
        if r.rows.count < r.rankedAmong {
            rankedAmong = "Bảng chỉ gồm đơn vị thuộc phạm vi của tài khoản; hạng được xếp trong toàn bộ \(VietnameseFormat.count(r.rankedAmong)) đơn vị có số liệu của kỳ."
        }
        notice = disclosureNotice(r.disclosureControlled, minN: r.context.minN)
    }
}

struct ChangePage: Sendable {
    struct Line: Sendable {
        var title: String
        var depthClass: String
        var name: String
        var earlier: String
        var later: String
        var delta: String
        var interval: String
        var direction: String
    }

    struct Choice: Sendable {
        var id: Int
        var title: String
        var selected: Bool
    }

    var chrome: Chrome
    var tabs: DashboardTabs
    var campaign: CampaignLine
    var earlierTitle: String?
    var choices: [Choice]
    var reform: String?
    var questionnaireNote: String?
    var nodes: [Line]
    var units: [Line]
    var notice: String?
    var empty: Bool

    init(empty campaign: Campaign, user: User, csrf: String?) {
        chrome = Chrome(title: "So sánh giữa các kỳ — \(campaign.title)", user: user, csrf: csrf, section: "campaigns")
        tabs = DashboardTabs(campaign: campaign, current: "change", user: user)
        self.campaign = CampaignLine(campaign)
        choices = []
        nodes = []
        units = []
        self.empty = true
    }

    init(_ c: Dashboards.CampaignChange, choices: [Campaign], user: User, csrf: String?) {
        let later = c.later.campaign, earlier = c.earlier.campaign
        chrome = Chrome(title: "So sánh giữa các kỳ — \(later.title)", user: user, csrf: csrf, section: "campaigns")
        tabs = DashboardTabs(campaign: later, current: "change", user: user)
        campaign = CampaignLine(later)
        earlierTitle = "\(earlier.title) (\(earlier.year))"
        self.choices = choices.map { Choice(id: $0.id, title: "\($0.title) (\($0.year))", selected: $0.id == earlier.id) }
        if c.reestimated {
            reform = "Kỳ \(earlier.year) đo trên đơn vị hành chính cũ nên được ước lượng lại trên đơn vị sau sắp xếp ngày 01/07/2025: mỗi phiếu tính cho xã/phường kế thừa (xã được chia thì tính cho đơn vị kế thừa mặc định), cách chọn mẫu giữ nguyên"
                + (c.leftOut.map { $0 > 0 ? "; \(VietnameseFormat.count($0)) phiếu của đơn vị không có đơn vị kế thừa không được tính." : "." }
                   ?? "; phiếu của đơn vị không có đơn vị kế thừa không được tính (số phiếu này được giữ lại để bảo vệ nhóm nhỏ).")
        }
        questionnaireNote = c.sameQuestionnaire ? nil : "Hai kỳ dùng hai bảng hỏi khác nhau: chỉ so sánh các chỉ tiêu cùng mã, và cần thận trọng khi đọc."
        func line(_ row: Dashboards.ChangeRow, name: String) -> Line {
            Line(title: row.title, depthClass: "depth-\(min(row.depth, 4))", name: name,
                 earlier: VietnameseFormat.percent(row.earlier?.estimate), later: VietnameseFormat.percent(row.later?.estimate),
                 delta: VietnameseFormat.points(row.change?.delta), interval: VietnameseFormat.pointsInterval(row.change?.low, row.change?.high),
                 direction: row.change?.direction.label ?? "không so sánh được")
        }
        nodes = c.nodes.map { line($0, name: "") }
        units = c.units.map { line($0, name: $0.unit?.unit.name ?? $0.code) }
        notice = disclosureNotice(!c.later.fullAccess, minN: c.later.minN)
        empty = false
    }
}

struct ReceivedPage: Sendable {
    struct Count: Sendable {
        var label: String
        var count: String
        var share: String
    }

    var chrome: Chrome
    var tabs: DashboardTabs
    var campaign: CampaignLine
    var total: String
    /// Rows of the units' table (thousands in a national campaign).
    var unitRows: String
    var channels: [Count]
    var days: [Count]
    /// Responses received so far, day by day: fieldwork's progress.
    var dayChart: String

    init(_ r: Dashboards.Received, user: User, csrf: String?) {
        let c = r.context.campaign
        chrome = Chrome(title: "Tiến độ nhận phiếu — \(c.title)", user: user, csrf: csrf, section: "campaigns")
        tabs = DashboardTabs(campaign: c, current: "received", user: user)
        campaign = CampaignLine(c)
        total = VietnameseFormat.count(r.total)
        func share(_ n: Int) -> String { r.total == 0 ? "—" : VietnameseFormat.percent(100 * Double(n) / Double(r.total)) }
        var rows = HTMLRows()
        for unit in r.byUnit {
            rows.row { row in
                row.header(unit.unit?.unit.name ?? (unit.code.isEmpty ? "Không rõ đơn vị" : unit.code))
                row.cell(VietnameseFormat.count(unit.count), numeric: true)
                row.cell(share(unit.count), numeric: true)
            }
        }
        unitRows = rows.html
        channels = r.byChannel.map { Count(label: VietnameseFormat.channel($0.channel), count: VietnameseFormat.count($0.count), share: share($0.count)) }
        days = r.byDay.map { Count(label: VietnameseFormat.date($0.day), count: VietnameseFormat.count($0.count), share: share($0.count)) }
        var total = 0
        dayChart = TrendChart(key: "days", title: "Số phiếu đã nhận, cộng dồn theo ngày", points: r.byDay.sorted { $0.day < $1.day }.map { day in
            total += day.count
            return TrendChart.Point(label: VietnameseFormat.date(day.day), value: Double(total))
        }, unit: "phiếu").svg()
    }
}
