import Foundation
import Hummingbird
import SIPASApp
import SIPASCore
import SIPASStore

/// A campaign's focal points (đầu mối) per measured unit, for its administrators: the list and a
/// form per unit. Names and contacts are personal data: shown here, never logged.
extension WebScreens {
    func registerFocalPointScreens() {
        page("/campaigns/{id}/focal-points") { request, context, user in
            let id = try Self.id(context)
            return templates.page("focal-points", try await FocalPointsPage.make(platform, campaign: id, user: user, csrf: context.csrfToken,
                                                                                 saved: Self.query(request, "message") == "saved"))
        }
        form("/campaigns/{id}/focal-points/{unit}") { _, context, user, form in
            let id = try Self.id(context), unit = try Self.id(context, "unit")
            do {
                _ = try await platform.campaigns.setFocalPoint(id, unit: unit, .init(name: form["name"] ?? "", position: form["position"] ?? "",
                                                                                    phone: form["phone"] ?? "", email: form["email"] ?? ""), by: user)
            } catch let error as AppError where error.kind == .invalid {
                var page = try await FocalPointsPage.make(platform, campaign: id, user: user, csrf: context.csrfToken, saved: false)
                page.pageError = WebMessage.vietnamese(error.message)
                page.errorUnit = unit
                for i in page.lines.indices where page.lines[i].unitId == unit {
                    page.lines[i].name = form["name"] ?? ""
                    page.lines[i].position = form["position"] ?? ""
                    page.lines[i].phone = form["phone"] ?? ""
                    page.lines[i].email = form["email"] ?? ""
                    page.lines[i].error = WebMessage.vietnamese(error.message)
                }
                return templates.page("focal-points", page, status: error.status)
            }
            return Self.redirect("/campaigns/\(id)/focal-points?message=saved#unit-\(unit)")
        }
    }
}

struct FocalPointsPage: Sendable {
    struct Line: Sendable {
        var unitId: Int
        var code: String
        var unitName: String
        var name: String
        var position: String
        var phone: String
        var email: String
        var error: String?
    }

    var chrome: Chrome
    var campaign: CampaignLine
    var lines: [Line]
    var saved: Bool
    var pageError: String?
    var errorUnit: Int?

    static func make(_ platform: Platform, campaign id: Int, user: User, csrf: String?, saved: Bool) async throws -> FocalPointsPage {
        let points = try await platform.campaigns.focalPoints(id, by: user)
        let detail = try await platform.campaigns.detail(id, by: user)
        let byUnit = Dictionary(points.map { ($0.unitId, $0) }) { a, _ in a }
        let lines = detail.units.map { unit, _ -> Line in
            let p = byUnit[unit.id]
            return Line(unitId: unit.id, code: unit.code, unitName: unit.name, name: p?.name ?? "", position: p?.position ?? "",
                        phone: p?.phone ?? "", email: p?.email ?? "")
        }
        return FocalPointsPage(chrome: Chrome(title: "Đầu mối — \(detail.campaign.title)", user: user, csrf: csrf, section: "campaigns"),
                               campaign: CampaignLine(detail.campaign), lines: lines, saved: saved)
    }
}
