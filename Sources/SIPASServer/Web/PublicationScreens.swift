import Foundation
import Hummingbird
import SIPASApp
import SIPASReports
import SIPASCore

/// Publishing, confirmed: the campaign's administrators see exactly what the public will read
/// (the release's figures, the units withheld) before they make it public.
extension WebScreens {
    func registerPublicationScreens() {
        page("/campaigns/{id}/publish") { _, context, user in
            let id = try Self.id(context)
            return templates.page("publish", try await publishPage(id, user: user, csrf: context.csrfToken))
        }
        form("/campaigns/{id}/publish") { _, context, user, form in
            let id = try Self.id(context)
            guard form["confirm"] == "yes" else {
                var page = try await publishPage(id, user: user, csrf: context.csrfToken)
                page.error = "Hãy đánh dấu ô xác nhận đã xem trước khi công bố."
                return templates.page("publish", page, status: .unprocessableContent)
            }
            _ = try await platform.publications.publish(id, by: user)
            return Self.redirect("/campaigns/\(id)?message=status")
        }
    }

    private func publishPage(_ id: Int, user: User, csrf: String?) async throws -> PublishPage {
        let preview = try await platform.dashboards.publicationPreview(id, by: user)
        guard preview.campaign.status == .analysis else {
            throw AppError.conflict("Chỉ công bố được kỳ đo lường đang ở bước \"\(CampaignStatus.analysis.label)\"; kỳ này đang \"\(preview.campaign.status.label)\".")
        }
        let overview = try await platform.dashboards.overview(preview, unitCode: nil, user: user)
        let ranking = try await platform.dashboards.ranking(preview, node: nil, user: user)
        let shown = Set(ranking.rows.filter { $0.entry.estimate != nil }.map(\.code))
        let hidden = preview.units.filter { !shown.contains($0.unit.code) }.map(\.unit.name)
        return PublishPage(chrome: Chrome(title: "Xem trước khi công bố", user: user, csrf: csrf, section: "campaigns"),
                           public: PublicCampaignPage(overview, ranking, page: 1), campaignId: id,
                           shown: VietnameseFormat.count(shown.count), units: VietnameseFormat.count(preview.units.count),
                           hidden: hidden.isEmpty ? nil : hidden.joined(separator: ", "))
    }
}

struct PublishPage: Sendable {
    var chrome: Chrome
    var `public`: PublicCampaignPage
    var campaignId: Int
    var shown: String
    var units: String
    /// Units whose index will not be public, named, with why.
    var hidden: String?
    var error: String?
}
