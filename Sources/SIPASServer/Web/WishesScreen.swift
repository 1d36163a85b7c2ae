import Foundation
import SIPASApp
import SIPASReports
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
    typealias Question = WishQuestion

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

    static func questions(_ w: Dashboards.Wishes) -> [Question] { FigureLines.wishQuestions(w) }
}
