import Foundation
import SIPASApp
import SIPASCore

/// Respondents' wishes for the campaign or one unit: a chart and a table per question, from the
/// dashboards use case (the API's `/dashboard/wishes` gives the same figures).
extension WebScreens {
    func registerWishesScreen() {
        page("/campaigns/{id}/wishes") { request, context, user in
            let wishes = try await platform.dashboards.wishes(campaign: try Self.id(context), unitCode: Self.query(request, "unit"), by: user)
            return templates.page("wishes", WishesPage(wishes, user: user, csrf: context.csrfToken))
        }
    }
}

struct WishesPage: Sendable {
    struct Share: Sendable {
        var label: String
        var estimate: String
        var interval: String
        var n: String
        var lowN: Bool
    }

    struct Question: Sendable {
        var code: String
        var text: String
        var chart: String
        var shares: [Share]
        var multiple: Bool
    }

    var chrome: Chrome
    var tabs: DashboardTabs
    var campaign: CampaignLine
    var scopeTitle: String
    var picker: UnitPicker
    var questions: [Question]
    var notice: String?
    var withheld: Bool
    var none: Bool

    init(_ w: Dashboards.Wishes, user: User, csrf: String?) {
        let c = w.context.campaign
        chrome = Chrome(title: "Mong muốn của người dân — \(w.unit?.unit.name ?? c.title)", user: user, csrf: csrf, section: "campaigns")
        tabs = DashboardTabs(campaign: c, current: "wishes", user: user)
        campaign = CampaignLine(c)
        scopeTitle = w.unit?.unit.name ?? "Toàn bộ kỳ đo lường (các đơn vị trong phạm vi của tài khoản)"
        picker = UnitPicker(w.context, current: w.unit)
        questions = Self.questions(w)
        notice = disclosureNotice(w.disclosureControlled, minN: w.context.minN)
        withheld = w.withheld && !w.questions.isEmpty
        none = w.questions.isEmpty
    }

    static func questions(_ w: Dashboards.Wishes) -> [Question] {
        w.questions.enumerated().map { i, q in
            let multiple = q.shares.first?.entry.optionCode != nil
            let labelled = q.shares.map { ($0, $0.entry.optionLabel ?? $0.entry.itemText) }
            // Shares of options run from near 0: the axis starts at 0 and ends a little above the largest.
            let highest = q.shares.compactMap { $0.row?.ciHigh }.max() ?? 100
            let axis: ClosedRange<Double>? = multiple ? 0...min(100, ((highest + 5) / 10).rounded(.up) * 10) : nil
            let chart = IntervalChart(key: "wish\(i)", title: "\(q.itemCode): \(q.itemText)",
                                      rows: labelled.map { share, label in
                                          .init(label: label, estimate: share.row?.estimate, low: share.row?.ciLow, high: share.row?.ciHigh, lowN: share.row?.lowN ?? false)
                                      }, axis: axis).svg()
            return Question(code: q.itemCode, text: q.itemText, chart: chart, shares: labelled.map { share, label in
                Share(label: label, estimate: VietnameseFormat.percent(share.row?.estimate),
                      interval: VietnameseFormat.interval(share.row?.ciLow, share.row?.ciHigh),
                      n: share.row.map { VietnameseFormat.count($0.n) } ?? "—", lowN: share.row?.lowN ?? false)
            }, multiple: multiple)
        }
    }
}
