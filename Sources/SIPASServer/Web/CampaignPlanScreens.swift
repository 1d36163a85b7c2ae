import Foundation
import Hummingbird
import SIPASApp
import SIPASCore

/// Creating a campaign in the browser, editing its draft and deleting it while nothing depends
/// on it. The form comes back with each message beside its field; "Cập nhật danh sách xã"
/// redraws the communes for another owner without JavaScript.
extension WebScreens {
    func registerCampaignPlanScreens() {
        page("/campaigns/new") { _, context, user in
            try platform.authorize(user, .manageCampaigns)
            return templates.page("campaign-new", try await CampaignForm.make(platform, user: user, csrf: context.csrfToken, input: .blank))
        }
        form("/campaigns/new") { _, context, user, form in
            try platform.authorize(user, .manageCampaigns)
            let input = CampaignForm.Input(form)
            let made = try await CampaignForm.make(platform, user: user, csrf: context.csrfToken, input: input)
            if form["action"] == "refresh" { return templates.page("campaign-new", made) }
            do {
                let campaign = try await platform.campaigns.create(try await CampaignForm.newCampaign(input, platform: platform, user: user), by: user)
                return Self.redirect("/campaigns/\(campaign.id)?message=created")
            } catch let error as AppError where error.kind != .unauthenticated {
                var page = made
                page.place(error)
                return templates.page("campaign-new", page, status: error.status)
            }
        }
        page("/campaigns/{id}/edit") { _, context, user in
            try platform.authorize(user, .manageCampaigns)
            let detail = try await platform.campaigns.detail(try Self.id(context), by: user)
            return templates.page("campaign-new", try await CampaignForm.make(platform, user: user, csrf: context.csrfToken,
                                                                            input: CampaignForm.Input(detail), editing: detail))
        }
        form("/campaigns/{id}/edit") { _, context, user, form in
            try platform.authorize(user, .manageCampaigns)
            let id = try Self.id(context)
            let detail = try await platform.campaigns.detail(id, by: user)
            let input = CampaignForm.Input(form)
            let made = try await CampaignForm.make(platform, user: user, csrf: context.csrfToken, input: input, editing: detail)
            if form["action"] == "refresh" { return templates.page("campaign-new", made) }
            do {
                _ = try await platform.campaigns.update(id, try await CampaignForm.newCampaign(input, platform: platform, user: user), by: user)
                return Self.redirect("/campaigns/\(id)?message=updated")
            } catch let error as AppError where error.kind != .unauthenticated {
                var page = made
                page.place(error)
                return templates.page("campaign-new", page, status: error.status)
            }
        }
        form("/campaigns/{id}/delete") { _, context, user, form in
            let id = try Self.id(context)
            guard form["confirm"] == "yes" else {
                var page = CampaignPage(try await platform.campaigns.detail(id, by: user), user: user, csrf: context.csrfToken, message: nil)
                page.deleteError = "Hãy đánh dấu ô xác nhận trước khi xóa."
                return templates.page("campaign", page, status: .unprocessableContent)
            }
            try await platform.campaigns.delete(id, by: user)
            return Self.redirect("/campaigns?message=deleted")
        }
    }
}
