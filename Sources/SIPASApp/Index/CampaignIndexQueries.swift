import Foundation
import Logging
import SIPASCore
import SIPASFormats
import SIPASStore

/// A campaign's index, grouped as asked, under disclosure control for every account that may not
/// read the campaign's individual responses (docs/disclosure-control.md).
public struct CampaignIndexQueries: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    /// At most this many grouping columns, and this many groups (cells) in a result.
    public static let maxColumns = 4
    /// Default cap on the groups of one result (`Limits.indexGroups`).
    public static let maxGroups = 50_000
    public static let columnNameLimit = 64
    /// Columns every reader may group by, besides one single-choice item.
    public static let aggregateColumns: Set<String> = ["unit", "province", "channel"]
    public static let aggregateRollups: Set<String> = ["unit", "province"]

    /// Which units a response counts for: the unit it was measured in, or — to compare a
    /// campaign on the legacy units with one on the 2025 units (`dashboard-measures.md` §5) — that
    /// unit's 2025 successor (the default one where the commune was split). Responses of units
    /// without a successor are left out of the re-estimate.
    public enum Geography: String, Sendable {
        case asMeasured
        case successors2025
    }

    /// What is estimated: the questionnaire's trees, or its wishes (`WishesPlan`).
    public enum Measures: String, Sendable {
        case index
        case wishes
    }

    public struct Request: Sendable {
        public var by: [String]
        public var rollup: String?
        public var minN: Int?
        public var geography: Geography
        public var measures: Measures
        public init(by: [String] = [], rollup: String? = nil, minN: Int? = nil, geography: Geography = .asMeasured,
                    measures: Measures = .index) {
            self.by = by
            self.rollup = rollup
            self.minN = minN
            self.geography = geography
            self.measures = measures
        }
    }

    public struct Answer: Sendable {
        public var campaign: Campaign
        public var by: [String]
        public var rollup: String?
        public var minN: Int
        public var responses: Int
        public var result: IndexResult
        /// True when the figures were filtered for an account without response access.
        public var disclosureControlled: Bool
        public var withheldGroups: Int
    }

    /// The responses a figure is computed over: the first `count` in storage order (a release's
    /// state), the last of them stored with `lastId`.
    public struct State: Sendable, Hashable {
        public var count: Int
        public var lastId: Int
    }

    /// Who the figures are for: a signed-in account (its role and scope decide), anyone reading
    /// the published results, or the server's operator, who holds the database itself.
    public enum Audience: Sendable {
        case account(User)
        case published
        /// What the public will read once the campaign is published, shown to its administrators
        /// before they confirm.
        case publicationPreview
        case serverOperator
    }

    public func compute(campaign id: Int, _ request: Request, by user: User?) async throws -> Answer {
        let user = try platform.require(user, .readIndex)
        let campaign = try await platform.visibleCampaign(id, for: user)
        return try await compute(campaign, request, for: .account(user))
    }

    /// The one entry point: every adapter's figures come through here, for their audience.
    /// Administrators of the campaign (and the operator) read every figure live; every other
    /// audience reads the campaign's release, under one suppression pattern for all of them.
    func compute(_ campaign: Campaign, _ request: Request, for audience: Audience) async throws -> Answer {
        let questionnaire = try await platform.questionnaire(of: campaign)
        try checkShape(request, questionnaire.questionnaire)
        var scope: UnitScope?
        switch audience {
        case .serverOperator:
            return try await full(campaign, questionnaire, request, scope: nil)
        case .account(let user):
            scope = try await platform.scope(of: user)
            if try await platform.hasResponseAccess(user, campaign) { return try await full(campaign, questionnaire, request, scope: scope) }
        case .published:
            guard Publications.isPublic(campaign.status) else { throw AppError.notFound("kết quả công bố của kỳ đo lường \(campaign.code)") }
        case .publicationPreview:
            break
        }
        return try await released(campaign, questionnaire, request, scope: scope)
    }

    private func full(_ campaign: Campaign, _ questionnaire: QuestionnaireRepository.Stored, _ request: Request, scope: UnitScope?) async throws -> Answer {
        let minN = try adminMinN(request.minN)
        let (result, responses) = try await figures(campaign, questionnaire: questionnaire, by: request.by, rollup: request.rollup,
                                                    minN: minN, within: scope, geography: request.geography, measures: request.measures)
        return Answer(campaign: campaign, by: request.by, rollup: request.rollup, minN: minN, responses: responses, result: result,
                      disclosureControlled: false, withheldGroups: 0)
    }

    /// A declared table of the campaign's release, seen from `scope` (nil: all of it).
    private func released(_ campaign: Campaign, _ questionnaire: QuestionnaireRepository.Stored, _ request: Request, scope: UnitScope?) async throws -> Answer {
        let minN = try checkAggregateRequest(request, campaign: campaign, questionnaire.questionnaire)
        let breakdowns = Releases.breakdowns(campaign, questionnaire.questionnaire)
        // A roll-up averages units or provinces: over the whole campaign or per province only.
        let rollupFits = request.rollup == nil || (request.geography == .asMeasured && (request.by == [] || request.by == ["province"]))
        guard let table = Releases.table(for: request.by, geography: request.geography, breakdowns: breakdowns), rollupFits else {
            let declared = (["unit", "province"] + breakdowns).joined(separator: ", ")
            throw AppError.forbidden("tài khoản này chỉ xem được các bảng đã công bố của kỳ đo lường: số liệu chung, theo \(declared) — mỗi lần một cách nhóm; không nhóm được theo \"\(request.by.joined(separator: ","))\" (only the campaign's declared groupings, one at a time)", field: "?by")
        }
        let release = try await platform.releases.current(campaign, questionnaire)
        var (result, counted) = try await figures(campaign, questionnaire: questionnaire, by: request.by, rollup: request.rollup, minN: minN,
                                                  within: nil, geography: request.geography, measures: request.measures, state: release.state)
        // How many responses the table covers is a figure of its total.
        let totalCell = ReleaseCell(request.geography == .successors2025 ? "total@2025" : "total", [])
        let responses = release.pattern.withheld.contains(totalCell) ? 0 : counted
        let measure = request.measures.rawValue
        if let rollup = request.rollup {
            try requireReleasedGroups(of: rollup, release, measure: measure, minN: minN)
            let blanked = Set(release.pattern.blanked[measure]?.filter { $0.key.table == rollup }.flatMap(\.value) ?? [])
            result.rows = result.rows.map { row in blanked.contains("\(row.index)/\(row.node)") ? Self.blank(row) : row }
        } else {
            let key = ReleasedTables.Key(campaign: campaign.id, release: release.number, table: table, measure: measure, minN: minN,
                                         scope: scope?.roots.map(\.id) ?? [])
            let withheld: Int
            if let cached = platform.releasedTables.get(key) {
                (result, withheld) = cached
            } else {
                let inScope = scope.map { visibility(table: table, release, scope: $0) } ?? { _ in true }
                var hidden = Set<[String]>()
                let sizes = Self.groupSizes(result)
                result.rows = result.rows.compactMap { row in
                    guard inScope(row.group) else { return nil }
                    let cell = ReleaseCell(table, row.group)
                    if release.pattern.withheld.contains(cell) || sizes[row.group, default: 0] < minN { hidden.insert(row.group); return nil }
                    return release.pattern.isHidden(cell, measure: measure, node: "\(row.index)/\(row.node)") ? Self.blank(row) : row
                }
                withheld = hidden.count
                platform.releasedTables.set(key, (result, withheld))
            }
            return Answer(campaign: campaign, by: request.by, rollup: nil, minN: minN, responses: responses, result: result,
                          disclosureControlled: true, withheldGroups: withheld)
        }
        return Answer(campaign: campaign, by: request.by, rollup: request.rollup, minN: minN, responses: responses, result: result,
                      disclosureControlled: true, withheldGroups: 0)
    }

    /// A figure an aggregate audience may not see: its count below the floor is a figure too.
    static func blank(_ row: IndexResult.Row) -> IndexResult.Row {
        var row = row
        row.estimate = nil; row.se = nil; row.ciLow = nil; row.ciHigh = nil; row.n = 0
        row.lowN = true
        return row
    }

    /// Each group's size: the largest n of its rows (its root's, normally).
    static func groupSizes(_ result: IndexResult) -> [[String]: Int] {
        var sizes: [[String]: Int] = [:]
        for row in result.rows { sizes[row.group] = max(sizes[row.group] ?? 0, row.n) }
        return sizes
    }

    /// A mean of groups is one more equation over the groups' figures: beside the pooled figures
    /// it can solve for a withheld group, so it is given only when every group it averages is shown.
    private func requireReleasedGroups(of rollup: String, _ release: Release, measure: String, minN: Int) throws {
        let withheld = release.pattern.withheld.filter { $0.table == rollup }.count
        if withheld > 0 {
            throw AppError.forbidden("không lấy được trung bình theo \(rollup): \(withheld) nhóm có dưới \(minN) phiếu hoặc được giữ lại để bảo vệ nhóm nhỏ, và trung bình của các nhóm sẽ làm lộ số liệu của những nhóm đó; hãy xem số liệu chung, hoặc theo \(rollup) (a roll-up over withheld groups would reveal them)", field: "?rollup")
        }
    }

    /// Which groups of a released table a scoped account may see: a cell whose every unit is
    /// inside its scope, and the campaign-wide figures (the total and the breakdowns).
    private func visibility(table: String, _ release: Release, scope: UnitScope) -> @Sendable ([String]) -> Bool {
        guard ["unit", "province", "unit@2025"].contains(table) else { return { _ in true } }
        let family = release.unitFamily
        var allowed = Set<[String]>()
        for (c, cell) in family.cells.enumerated() where cell.table == table {
            if family.atoms[c].allSatisfy({ a in release.unitOfAtom[family.atomKeys[a]].map { scope.contains($0) } ?? false }) {
                allowed.insert(cell.group)
            }
        }
        let visible = allowed
        return { visible.contains($0) }
    }

    /// Rules for every account: a bounded grouping, and never by free text.
    func checkShape(_ request: Request, _ q: Questionnaire) throws {
        guard request.by.count <= Self.maxColumns else {
            throw AppError.invalid("nhóm theo tối đa \(Self.maxColumns) cột (at most \(Self.maxColumns) grouping columns)", field: "?by")
        }
        for column in request.by + [request.rollup].compactMap({ $0 }) {
            let field = column == request.rollup ? "?rollup" : "?by"
            guard !column.isEmpty, column.count <= Self.columnNameLimit,
                  !column.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw AppError.invalid("tên cột nhóm không hợp lệ (an empty or malformed column name)", field: field)
            }
            if let item = q.item(column), item.type == .text {
                throw AppError.forbidden("không nhóm được theo câu trả lời tự do \(column): ý kiến của người trả lời không bao giờ ra khỏi hệ thống qua số liệu tổng hợp (free-text answers never leave through aggregates)", field: field)
            }
        }
        if Set(request.by).count != request.by.count { throw AppError.invalid("cột nhóm bị lặp (a grouping column is repeated)", field: "?by") }
    }

    private func adminMinN(_ requested: Int?) throws -> Int {
        let minN = requested ?? Campaign.defaultDisclosureMinN
        guard (0...1_000_000).contains(minN) else { throw AppError.invalid("min_n phải là số nguyên từ 0 đến 1000000", field: "?min_n") }
        return minN
    }

    /// Rules for accounts without response access; returns the threshold they get.
    private func checkAggregateRequest(_ request: Request, campaign: Campaign, _ q: Questionnaire) throws -> Int {
        guard campaign.status.figuresAreFinal else {
            throw AppError.forbidden("số liệu của kỳ đo lường chỉ được xem khi đã kết thúc nhập liệu (trạng thái \"\(CampaignStatus.analysis.label)\" trở đi); hiện là \"\(campaign.status.label)\" (figures are shown once entry is closed)")
        }
        var profiles: [String] = []
        for column in request.by where !Self.aggregateColumns.contains(column) {
            guard let item = q.item(column), item.type == .single else {
                throw AppError.forbidden("tài khoản này chỉ được nhóm theo đơn vị (unit), tỉnh (province), kênh (channel) hoặc một câu hỏi một lựa chọn về người trả lời; không nhóm được theo \"\(column)\" (grouping not allowed without access to individual responses)", field: "?by")
            }
            profiles.append(column)
        }
        guard profiles.count <= 1 else {
            throw AppError.forbidden("chỉ được nhóm theo một đặc điểm của người trả lời mỗi lần (\(profiles.joined(separator: ", "))) (one respondent characteristic at a time)", field: "?by")
        }
        if let rollup = request.rollup, !Self.aggregateRollups.contains(rollup) {
            throw AppError.forbidden("tài khoản này chỉ được lấy trung bình theo unit hoặc province (rollup)", field: "?rollup")
        }
        let floor = campaign.disclosureMinN
        if let requested = request.minN, requested < floor {
            throw AppError.forbidden("min_n không được thấp hơn ngưỡng công bố \(floor) của kỳ đo lường này (min_n may be raised, never lowered)", field: "?min_n")
        }
        guard (request.minN ?? floor) <= 1_000_000 else { throw AppError.invalid("min_n quá lớn", field: "?min_n") }
        return request.minN ?? floor
    }

    /// The figures, as `sipas index` computes them on the campaign's responses exported as a
    /// file: from the compact responses kept in memory for the usual groupings, otherwise by
    /// reading every stored response (one such request at a time).
    public func figures(_ campaign: Campaign, questionnaire: QuestionnaireRepository.Stored, by: [String], rollup: String?, minN: Int,
                        within scope: UnitScope?, compact: Bool = true, geography: Geography = .asMeasured,
                        measures: Measures = .index, state: State? = nil) async throws -> (IndexResult, Int) {
        do {
            if measures == .wishes {
                return try await wishes(campaign, questionnaire: questionnaire, by: by, rollup: rollup, minN: minN, within: scope, geography: geography, state: state)
            }
            if compact || geography != .asMeasured || state != nil,
               let outcome = try await fromCompactResponses(campaign, questionnaire: questionnaire.questionnaire, schema: questionnaire.schema,
                                                            cache: platform.db.compactResponses, measures: .index, by: by, rollup: rollup,
                                                            minN: minN, within: scope, geography: geography, state: state) {
                return outcome
            }
            guard geography == .asMeasured, state == nil else {
                throw AppError.invalid("ước lượng lại theo đơn vị mới chỉ nhóm được theo unit, province, channel hoặc câu hỏi một lựa chọn (re-estimating on the 2025 units supports the usual groupings only)", field: "?by")
            }
            let stored = try await platform.db.compactResponses.rows(campaignId: campaign.id, schema: questionnaire.schema, db: platform.db).count
            if try await platform.sampleWeights.overlay(campaign: campaign.id, responses: stored, platform: platform)?.changes == true {
                // The file engine reads the stored design weights: a sample's final weights and
                // held-out forms are applied to the compact responses only.
                throw AppError.invalid("kỳ đo lường có mẫu rút chỉ nhóm được theo unit, province, channel hoặc câu hỏi một lựa chọn (a sampled campaign supports the usual groupings only)", field: "?by")
            }
            let db = platform.db
            return try await platform.expensive.run {
                let csv = try await db.read { sql in
                    try await ResponseRepository(db).exportCSV(campaignId: campaign.id, questionnaire: questionnaire.questionnaire, within: scope, on: sql)
                }
                return try await platform.expensive.compute {
                    var offset = 0
                    let reader = ResponsesCSVReader(questionnaire: questionnaire.questionnaire, schema: questionnaire.schema) { pointer, count in
                        let n = min(count, csv.count - offset)
                        csv.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress! + offset, count: n) }
                        offset += n
                        return n
                    }
                    let outcome = try ResponsesIndexer.run(reader: reader, by: by, rollupOf: rollup, minN: minN, maxGroups: platform.limits.indexGroups)
                    return (outcome.result, outcome.rows)
                }
            }
        } catch let unknown as ResponsesIndexer.UnknownColumn {
            throw AppError.invalid(unknown.description, field: unknown.option == "--by" ? "?by" : "?rollup")
        } catch let tooMany as ResponsesIndexer.TooManyGroups {
            throw AppError.invalid(tooMany.description, field: "?by")
        } catch {
            throw AppError.from(error)
        }
    }

    /// Wishes are estimated from the compact responses only: over the usual groupings.
    private func wishes(_ campaign: Campaign, questionnaire: QuestionnaireRepository.Stored, by: [String], rollup: String?,
                        minN: Int, within scope: UnitScope?, geography: Geography, state: State?) async throws -> (IndexResult, Int) {
        guard let wishes = questionnaire.wishes else {
            throw AppError.notFound("câu hỏi về mong muốn trong bảng hỏi của kỳ đo lường này (the questionnaire has no multiple-choice item nor likert item outside its trees)")
        }
        guard let outcome = try await fromCompactResponses(campaign, questionnaire: wishes.plan.questionnaire, schema: wishes.schema,
                                                           cache: platform.db.wishResponses, measures: .wishes, by: by, rollup: rollup,
                                                           minN: minN, within: scope, geography: geography, state: state) else {
            throw AppError.invalid("mong muốn chỉ nhóm được theo unit, province, channel hoặc câu hỏi một lựa chọn (wishes support the usual groupings only)", field: "?by")
        }
        return outcome
    }

    private func fromCompactResponses(_ campaign: Campaign, questionnaire: Questionnaire, schema: ResponsesSchema, cache: CompactResponsesCache,
                                      measures: Measures, by: [String], rollup: String?,
                                      minN: Int, within scope: UnitScope?, geography: Geography, state: State?) async throws -> (IndexResult, Int)? {
        let db = platform.db
        var rows = try await cache.rows(campaignId: campaign.id, schema: schema, db: db)
        var limit = state.map { min($0.count, rows.count) }
        let overlay = try await platform.sampleWeights.overlay(campaign: campaign.id, responses: rows.count, platform: platform)
        let cacheKey = FiguresCache.Key(campaign: campaign.id, responses: limit ?? rows.count, lastId: state?.lastId ?? rows.lastId, by: by,
                                        rollup: rollup, minN: minN, geography: geography.rawValue, measures: measures.rawValue,
                                        scope: scope?.roots.map(\.id) ?? [], sample: overlay?.version ?? "")
        if let cached = platform.figuresCache.get(cacheKey) { return cached }
        if let overlay, overlay.changes {
            // The draw's final weights, without the collections held out by the re-check.
            if let n = limit { limit = overlay.weights.prefix(n).filter { $0 != .heldOut }.count }
            rows = rows.applying(overlay.weights)
        }
        let (keys, keep) = try await unitKeys(rows.unitIds, geography: geography, scope: scope)
        // Bound the groups before computing: each column's values at most, multiplied.
        var bound = 1.0
        for column in by {
            switch column {
            case "unit": bound *= Double(max(1, rows.unitIds.count))
            case "province": bound *= 70
            case "channel": bound *= 50
            default:
                // Other columns go to the file engine, which counts its groups as it reads.
                guard let item = questionnaire.item(column), item.type == .single else { return nil }
                bound *= Double((item.options?.count ?? 100) + 2)
            }
        }
        if bound > Double(platform.limits.indexGroups) {
            throw AppError.invalid(ResponsesIndexer.TooManyGroups(limit: platform.limits.indexGroups).description, field: "?by")
        }
        let selected = scope == nil && geography == .asMeasured ? nil : keep
        let (input, first) = (rows, limit)
        let compute = { @Sendable in
            CompactResponsesIndexer.run(input, questionnaire: questionnaire, plan: schema.evaluator.plan,
                                        by: by, rollup: rollup, minN: minN, keys: keys, keep: selected, limit: first)
        }
        // Small campaigns are computed in place; large ones off the request threads.
        guard let outcome = rows.count < 20_000 ? compute() : try await Offload.run(compute) else { return nil }
        platform.figuresCache.set(cacheKey, (outcome.result, outcome.rows))
        return (outcome.result, outcome.rows)
    }

    /// The group labels of each unit slot: its code (with its id where two units of the slots
    /// share a code, so that groups are units, never codes) and its province's code; and whether
    /// the slot counts (inside the scope, and with a unit to count for in that geography).
    private func unitKeys(_ unitIds: [Int], geography: Geography, scope: UnitScope?) async throws -> ([CompactResponsesIndexer.UnitKeys], [Bool]) {
        let units = platform.store.units
        var counted: [AdminUnit?] = []
        for id in unitIds { counted.append(try await self.counted(id, geography)) }
        var idsOfCode: [String: Set<Int>] = [:]
        for unit in counted.compactMap({ $0 }) { idsOfCode[unit.code, default: []].insert(unit.id) }
        var keys: [CompactResponsesIndexer.UnitKeys] = [], keep: [Bool] = []
        for unit in counted {
            guard let unit else {
                keys.append(.init(unit: "", province: ""))
                keep.append(false)
                continue
            }
            // The province is the root of the unit's path, as in an export.
            let province = try await unit.rootId.asyncMap { try await units.find(id: $0) } ?? nil
            let code = (idsOfCode[unit.code]?.count ?? 0) > 1 ? "\(unit.code)#\(unit.id)" : unit.code
            keys.append(.init(unit: code, province: province?.level == .province ? province!.code : ""))
            keep.append(scope?.contains(unit) ?? true)
        }
        return (keys, keep)
    }

    /// Each unit group's unit, province and 2025 successor (nil: left out of the re-estimate),
    /// by the labels the index gives them.
    func unitsOfKeys(_ campaign: Campaign, _ q: QuestionnaireRepository.Stored, state: State)
        async throws -> (unit: [String: AdminUnit], province: [String: String], successor: [String: String?]) {
        let rows = try await platform.db.compactResponses.rows(campaignId: campaign.id, schema: q.schema, db: platform.db)
        let (keys, _) = try await unitKeys(rows.unitIds, geography: .asMeasured, scope: nil)
        let (successorKeys, kept) = try await unitKeys(rows.unitIds, geography: .successors2025, scope: nil)
        var unit: [String: AdminUnit] = [:], province: [String: String] = [:], successor: [String: String?] = [:]
        for (slot, id) in rows.unitIds.enumerated() {
            let key = keys[slot].unit
            if let u = try await platform.store.units.find(id: id) { unit[key] = u }
            province[key] = keys[slot].province
            successor[key] = kept[slot] ? successorKeys[slot].unit : nil
        }
        province[""] = province[""] ?? ""
        successor[""] = successor[""] ?? nil
        return (unit, province, successor)
    }

    /// The unit a response of unit `id` counts for.
    private func counted(_ id: Int, _ geography: Geography) async throws -> AdminUnit? {
        let units = platform.store.units
        guard let unit = try await units.find(id: id) else { return nil }
        switch geography {
        case .asMeasured: return unit
        case .successors2025:
            if unit.register == .reform2025 { return unit }
            let successors = try await units.successors(of: unit)
            return (successors.first { $0.isDefault } ?? successors.first)?.unit
        }
    }
}

extension Platform {
    /// Loads the compact responses of every campaign that has responses (at start-up, so that the
    /// first index request does not pay for it).
    public func warmCompactResponses(logger: Logger) async {
        do {
            let started = ContinuousClock.now
            let ids = try await db.read { sql in
                try await sql.raw("SELECT id FROM campaigns c WHERE EXISTS (SELECT 1 FROM responses r WHERE r.campaign_id = c.id)").all()
                    .map { try $0.decode(column: "id", as: Int.self) }
            }
            var total = 0
            for id in ids {
                guard let campaign = try await store.campaigns.findCommitted(id: id),
                      let questionnaire = try await db.read({ [store] in try await store.questionnaires.find(id: campaign.questionnaireId, on: $0) }) else { continue }
                total += try await db.compactResponses.rows(campaignId: id, schema: questionnaire.schema, db: db).count
            }
            logger.info("responses ready for the index", metadata: ["campaigns": "\(ids.count)", "responses": "\(total)",
                                                                  "seconds": "\((ContinuousClock.now - started).components.seconds)"])
        } catch {
            logger.warning("could not read responses ahead of the first index request", metadata: ["error": "\(error)"])
        }
    }
}

extension CampaignIndexQueries {
    /// The server's operator (`sipas index --campaign`), who holds the database itself: every
    /// figure, as a campaign administrator sees it. Free text stays out all the same.
    public func operatorFigures(campaign reference: String, by: [String], rollup: String?, minN: Int)
        async throws -> (campaign: Campaign, result: IndexResult, responses: Int) {
        let campaign = try await platform.campaign(reference: reference)
        let questionnaire = try await platform.questionnaire(of: campaign)
        try checkShape(Request(by: by, rollup: rollup, minN: minN), questionnaire.questionnaire)
        let (result, responses) = try await figures(campaign, questionnaire: questionnaire, by: by, rollup: rollup, minN: minN, within: nil)
        return (campaign, result, responses)
    }
}
