import Foundation
import Hummingbird
import SIPASApp
import SIPASCore
import SIPASFormats

/// The published results, without signing in: the list of published campaigns, a campaign's
/// ranking, a page per unit (index, aspects, target, change), the method, open data with its
/// Frictionless descriptor, and a widget and badge a commune can put on its portal. Figures are
/// the aggregates under the campaign's disclosure floor (low-n figures are never public), the
/// same use cases as the dashboards'; every page is cached and carries an ETag.
extension WebScreens {
    func registerPublicScreens() {
        publicPage("/public") { _, _ in
            let campaigns = try await platform.publications.published()
            return (templates.render("public-index", PublicIndexPage(campaigns: campaigns)), "text/html; charset=utf-8")
        }
        publicPage("/public/{code}") { request, context in
            let published = try await platform.dashboards.publishedContext(code: try Self.code(context))
            let overview = try await platform.dashboards.overview(published, unitCode: nil, user: nil)
            let ranking = try await platform.dashboards.ranking(published, node: nil, user: nil)
            let page = try Self.intQuery(request, "page") ?? 1
            var view = PublicCampaignPage(overview, ranking, page: page)
            view.find(Self.query(request, "q").map { String($0.prefix(100)) })
            if let draw = try await platform.samplingDraws.list(campaign: overview.context.campaign.id, by: nil).last(where: \.isFinal) {
                view.sampleFiles = "/api/v1/campaigns/\(overview.context.campaign.id)/sampling/draws/\(draw.number)/"
                let stages = (try? DrawRecord.read(draw.record, file: "bien-ban.json"))?.areas.count ?? 0
                view.areaFiles = (0..<stages).map { .init(url: "\(view.sampleFiles!)areas/\($0 + 1)", stage: $0 + 1) }
            }
            return (templates.render("public-campaign", view), "text/html; charset=utf-8")
        }
        publicPage("/public/{code}/method") { _, context in
            let published = try await platform.dashboards.publishedContext(code: try Self.code(context))
            let report = try await platform.reports.report(published, user: nil)
            return (templates.render("public-method", PublicMethodPage(report)), "text/html; charset=utf-8")
        }
        publicPage("/public/{code}/units/{unit}") { request, context in
            let (published, unit) = try await publishedUnit(context)
            let overview = try await platform.dashboards.overview(published, unitCode: unit, user: nil)
            var change: Dashboards.CampaignChange?
            if let earlier = try await platform.publications.earlierPublished(than: published) {
                change = try await platform.dashboards.change(published, since: earlier, user: nil)
            }
            let campaignFigure = try await platform.dashboards.overview(published, unitCode: nil, user: nil).nodes.first?.row.estimate
            return (templates.render("public-unit", PublicUnitPage(overview, change: change, campaignFigure: campaignFigure)), "text/html; charset=utf-8")
        }
        publicPage("/public/{code}/units/{unit}/widget", frameable: true) { _, context in
            let (published, unit) = try await publishedUnit(context)
            let overview = try await platform.dashboards.overview(published, unitCode: unit, user: nil)
            return (templates.render("public-widget", PublicWidget(overview)), "text/html; charset=utf-8")
        }
        publicPage("/public/{code}/units/{unit}/badge.svg") { _, context in
            let (published, unit) = try await publishedUnit(context)
            let overview = try await platform.dashboards.overview(published, unitCode: unit, user: nil)
            return (PublicBadge(overview).svg(), "image/svg+xml")
        }
        publicPage("/public/{code}/data/units.csv") { _, context in
            let data = try await OpenData.make(platform, code: try Self.code(context))
            return (data.unitsCSV(), "text/csv; charset=utf-8")
        }
        publicPage("/public/{code}/data/units.json") { _, context in
            let data = try await OpenData.make(platform, code: try Self.code(context))
            return (data.unitsJSON(), "application/json; charset=utf-8")
        }
        publicPage("/public/{code}/data/campaign.csv") { _, context in
            let data = try await OpenData.make(platform, code: try Self.code(context))
            return (data.campaignCSV(), "text/csv; charset=utf-8")
        }
        publicPage("/public/{code}/datapackage.json") { _, context in
            let data = try await OpenData.make(platform, code: try Self.code(context))
            return (data.descriptor(), "application/json; charset=utf-8")
        }
    }

    private func publishedUnit(_ context: AppRequestContext) async throws -> (Dashboards.Context, String) {
        let published = try await platform.dashboards.publishedContext(code: try Self.code(context))
        guard let code = context.parameters.get("unit"), TextRules.isCode(code), published.unit(code: code) != nil else {
            throw AppError.notFound("đơn vị trong kết quả công bố")
        }
        return (published, code)
    }

    static func code(_ context: AppRequestContext) throws -> String {
        guard let code = context.parameters.get("code"), TextRules.isCode(code), code.count <= 64 else { throw AppError.notFound("kết quả công bố") }
        return code
    }

    /// The site's address for snippets pasted elsewhere: `SIPAS_PUBLIC_URL` when the deployment
    /// sets it (behind a proxy or CDN, set it), else the request's host, validated since it is
    /// written into a cached page (which then varies by Host).
    static func origin(_ request: Request, trustProxy: Bool) -> String {
        if let configured = ProcessInfo.processInfo.environment["SIPAS_PUBLIC_URL"],
           configured.range(of: "^https?://[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$", options: .regularExpression) != nil {
            return configured
        }
        let host = (trustProxy ? request.headers[.init("X-Forwarded-Host")!] : nil) ?? request.head.authority ?? "localhost"
        let scheme = trustProxy && request.headers[.init("X-Forwarded-Proto")!] == "https" ? "https" : "http"
        guard host.range(of: "^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$", options: .regularExpression) != nil else { return "" }
        return "\(scheme)://\(host)"
    }

    /// A GET page anyone may read, rendered once per state of publication (and host, for pages
    /// that print the site's address), answered from the cache with its ETag afterwards.
    func publicPage(_ path: RouterPath, frameable: Bool = false,
                    _ render: @escaping @Sendable (Request, AppRequestContext) async throws -> (String, String)) {
        router.get(path) { request, context in
            let key = "\(platform.publicationEpoch.current)|\(Self.origin(request, trustProxy: trustProxy))|\(request.uri.path)?\(request.uri.query ?? "")"
            if let cached = publicPages.get(key) { return PublicPageCache.response(cached, to: request) }
            do {
                let (text, type) = try await render(request, context)
                let page = PublicPageCache.page(text, contentType: type, frameable: frameable)
                publicPages.set(key, page)
                return PublicPageCache.response(page, to: request)
            } catch let error as AppError {
                let page = PublicErrorPage(heading: error.heading, message: WebMessage.vietnamese(error.message))
                return templates.page("public-error", page, status: error.status)
            }
        }
    }
}
