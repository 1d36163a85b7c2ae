import Foundation
import SIPASCore
import SIPASStore

/// The figures of a campaign's dashboards (`dashboard-measures.md`): a view's index tree with
/// its standing against the campaign and the target, improvement priorities, the ranking of
/// units, change against an earlier campaign (across the 1 July 2025 reorganisation too) and the
/// responses received. Every figure comes from the campaign index under the same disclosure
/// control as the API's index; nothing here reads a response.
public struct Dashboards: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    /// A measured unit with its target.
    public struct MeasuredUnit: Sendable {
        public var unit: AdminUnit
        public var target: Target?
        public var targetText: String?
    }

    public struct Context: Sendable {
        public var campaign: Campaign
        public var questionnaire: Questionnaire
        public var units: [MeasuredUnit] { didSet { byCode = Self.index(units) } }
        private var byCode: [String: Int]
        /// False when the viewer sees aggregates under disclosure control.
        public var fullAccess: Bool
        public var minN: Int
        public var audience = Audience.account

        /// Who the figures are for: a signed-in account (its role and scope decide), anyone
        /// reading the published results, or the server's operator at the command line.
        public enum Audience: Sendable { case account, published, publicationPreview, serverOperator }
        public var isPublic: Bool { audience == .published || audience == .publicationPreview }

        init(campaign: Campaign, questionnaire: Questionnaire, units: [MeasuredUnit], fullAccess: Bool, minN: Int) {
            self.campaign = campaign
            self.questionnaire = questionnaire
            self.units = units
            byCode = Self.index(units)
            self.fullAccess = fullAccess
            self.minN = minN
        }

        private static func index(_ units: [MeasuredUnit]) -> [String: Int] {
            Dictionary(units.enumerated().map { ($0.element.unit.code, $0.offset) }) { first, _ in first }
        }

        public func unit(code: String) -> MeasuredUnit? { byCode[code].map { units[$0] } }

        /// The measured unit a viewer asked for by code or by name (case and diacritics ignored,
        /// as a search box is typed: "diem he", "Xã Điềm He").
        public func unit(named text: String) throws -> MeasuredUnit {
            let text = text.trimmingCharacters(in: .whitespaces)
            if let unit = unit(code: text) { return unit }
            let key = SearchText.fold(text)
            let exact = units.filter { SearchText.fold($0.unit.name) == key }
            let matches = exact.isEmpty ? units.filter { SearchText.fold($0.unit.name).contains(key) } : exact
            guard !key.isEmpty, let first = matches.first else {
                throw AppError.notFound("đơn vị \"\(text)\" trong kỳ đo lường này; ghi mã đơn vị hoặc tên đơn vị được đo")
            }
            guard matches.count == 1 else {
                let names = matches.prefix(5).map { "\($0.unit.name) (\($0.unit.code))" }.joined(separator: "; ")
                throw AppError.invalid("có \(matches.count) đơn vị khớp với \"\(text)\": \(names)\(matches.count > 5 ? "…" : ""); hãy ghi mã đơn vị (several units match)", field: "?unit")
            }
            return first
        }
        /// The root of the first tree: the index itself.
        public var rootCode: String { questionnaire.indices.first?.code ?? "" }
    }

    func context(_ id: Int, user: User?) async throws -> Context {
        let user = try platform.require(user, .readIndex)
        let campaign = try await platform.visibleCampaign(id, for: user)
        let (questionnaire, measured) = try await load(campaign)
        let scope = try await platform.scope(of: user)
        let full = try await platform.hasResponseAccess(user, campaign)
        return Context(campaign: campaign, questionnaire: questionnaire, units: measured.filter { scope?.contains($0.unit) ?? true },
                       fullAccess: full, minN: full ? Campaign.defaultDisclosureMinN : campaign.disclosureMinN)
    }

    /// The campaign's questionnaire and its measured units with their targets.
    private func load(_ campaign: Campaign) async throws -> (Questionnaire, [MeasuredUnit]) {
        let store = platform.store
        let (questionnaire, measured) = try await platform.read { sql in
            (try await store.questionnaires.find(id: campaign.questionnaireId, on: sql), try await store.campaigns.units(of: campaign.id, on: sql))
        }
        guard let questionnaire else { throw AppError.notFound("bảng hỏi của kỳ đo lường") }
        return (questionnaire.questionnaire, measured.map { MeasuredUnit(unit: $0.unit, target: $0.target.target, targetText: $0.target.targetText) })
    }

    func index(_ context: Context, by: [String], geography: CampaignIndexQueries.Geography = .asMeasured,
               measures: CampaignIndexQueries.Measures = .index, user: User?) async throws -> CampaignIndexQueries.Answer {
        let request = CampaignIndexQueries.Request(by: by, minN: context.fullAccess ? nil : context.minN, geography: geography, measures: measures)
        switch context.audience {
        case .published: return try await platform.index.compute(context.campaign, request, for: .published)
        case .publicationPreview: return try await platform.index.compute(context.campaign, request, for: .publicationPreview)
        case .serverOperator: return try await platform.index.compute(context.campaign, request, for: .serverOperator)
        case .account: return try await platform.index.compute(context.campaign, request, for: .account(try platform.require(user, .readIndex)))
        }
    }

    /// A published campaign as anyone sees it; not found for any other campaign, as if it did not exist.
    public func publishedContext(code: String) async throws -> Context {
        let store = platform.store
        let found = try await platform.read { sql in try await store.campaigns.find(code: code, on: sql) }
        guard let campaign = found, Publications.isPublic(campaign.status) else {
            throw AppError.notFound("kết quả công bố của kỳ đo lường \(code)")
        }
        let (questionnaire, units) = try await load(campaign)
        var context = Context(campaign: campaign, questionnaire: questionnaire, units: units, fullAccess: false, minN: campaign.disclosureMinN)
        context.audience = .published
        return context
    }

    /// A campaign about to be published, as the public will read it, for its administrators.
    public func publicationPreview(_ id: Int, by user: User?) async throws -> Context {
        let user = try platform.require(user, .manageCampaigns)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try await platform.requireCampaignAdmin(user, campaign)
        let (questionnaire, units) = try await load(campaign)
        var context = Context(campaign: campaign, questionnaire: questionnaire, units: units, fullAccess: false, minN: campaign.disclosureMinN)
        context.audience = .publicationPreview
        return context
    }

    /// A published campaign's tables for open data: every node per unit and for the whole campaign.
    public func publishedTables(_ context: Context) async throws -> (byUnit: IndexResult, pooled: IndexResult) {
        guard context.isPublic else { throw AppError.forbidden("chỉ dành cho kết quả đã công bố") }
        return (try await index(context, by: ["unit"], user: nil).result, try await index(context, by: [], user: nil).result)
    }

    /// Any campaign with every figure, for the server's operator (`sipas report`), who holds the
    /// database itself; by code or id.
    public func operatorContext(campaign reference: String) async throws -> Context {
        let campaign = try await platform.campaign(reference: reference)
        let (questionnaire, units) = try await load(campaign)
        var context = Context(campaign: campaign, questionnaire: questionnaire, units: units, fullAccess: true, minN: Campaign.defaultDisclosureMinN)
        context.audience = .serverOperator
        return context
    }
}

extension Platform {
    public var dashboards: Dashboards { Dashboards(self) }
}
