import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore
import Synchronization

/// A campaign's release (docs/disclosure-control.md): the fixed state of its responses that
/// every aggregate audience — the ministry analyst, unit viewers, the public — is shown, with one
/// suppression pattern over every table they can obtain, chosen for all of them together.
public struct Release: Sendable {
    public var stored: ReleaseRepository.Stored
    /// The declared tables' cells over the atoms they are made of (for scope checks).
    var unitFamily: ReleaseFamily
    /// Atom key → the unit it stands for (nil for responses without a unit).
    var unitOfAtom: [String: AdminUnit]
    /// Declared breakdowns besides the unit levels.
    public var breakdowns: [String]

    public var number: Int { stored.number }
    public var responses: Int { stored.responses }
    public var pattern: ReleasePattern { stored.pattern }
    var state: CampaignIndexQueries.State { .init(count: stored.responses, lastId: stored.lastResponseId) }
}

/// Makes and finds releases. A release is made the first time an aggregate audience asks for a
/// campaign's figures, and again only once the responses have changed by at least the floor
/// since the last one; until then every aggregate audience keeps seeing the last release.
struct Releases: Sendable {
    let platform: Platform
    static let protectionLevel = 0.10

    /// Table names of the declared groupings.
    static func table(for by: [String], geography: CampaignIndexQueries.Geography, breakdowns: [String]) -> String? {
        switch (geography, by) {
        case (.asMeasured, []): return "total"
        case (.asMeasured, ["unit"]): return "unit"
        case (.asMeasured, ["province"]): return "province"
        case (.asMeasured, let b) where b.count == 1 && breakdowns.contains(b[0]): return b[0]
        case (.successors2025, []): return "total@2025"
        case (.successors2025, ["unit"]): return "unit@2025"
        default: return nil
        }
    }

    /// The campaign's declared breakdowns: its own list, or the channel and every single-choice item.
    static func breakdowns(_ campaign: Campaign, _ q: Questionnaire) -> [String] {
        campaign.releaseBreakdowns ?? (["channel"] + q.items.filter { $0.type == .single }.map(\.code))
    }

    func current(_ campaign: Campaign, _ questionnaire: QuestionnaireRepository.Stored) async throws -> Release {
        let rows = try await platform.db.compactResponses.rows(campaignId: campaign.id, schema: questionnaire.schema, db: platform.db)
        let head = try await platform.read { sql in try await ReleaseRepository().latestHeader(campaignId: campaign.id, on: sql) }
        if let head, rows.count - head.responses < campaign.disclosureMinN,
           let cached = platform.releaseCache.get(campaign.id, responses: head.responses), cached.number == head.number {
            return cached
        }
        let latest = try await platform.read { sql in try await ReleaseRepository().latest(campaignId: campaign.id, on: sql) }
        if let latest, rows.count - latest.responses < campaign.disclosureMinN {
            return try await materialise(latest, campaign, questionnaire)
        }
        if let cached = platform.releaseCache.get(campaign.id, responses: rows.count) { return cached }
        let previous = try await latest.asyncMap { try await self.previous($0, campaign, questionnaire) }
        let now = CampaignIndexQueries.State(count: rows.count, lastId: rows.lastId)
        let basis = try await self.basis(campaign, questionnaire, state: now)
        let pattern = try await Offload.run {
            ReleasePattern.compute(families: basis.families, measures: basis.measures, figures: basis.figures, floor: campaign.disclosureMinN,
                                   protectionLevel: Self.protectionLevel, previous: previous)
        }
        let stored = ReleaseRepository.Stored(campaignId: campaign.id, number: (latest?.number ?? 0) + 1, responses: now.count,
                                              lastResponseId: now.lastId, pattern: pattern, createdAt: Timestamp.now())
        do {
            try await platform.transaction { sql in
                try await ReleaseRepository().insert(stored, on: sql)
                try await platform.recordState(nil, .campaign, id: String(campaign.id), action: "release.create",
                                               detail: "release \(stored.number): \(stored.responses) responses, \(pattern.withheld.count) cells withheld",
                                          on: sql)
            }
        } catch let error where Responses.isUniqueViolation(error) || (error as? AppError)?.kind == .conflict {
            // Another request made the same release meanwhile: use it.
            guard let made = try await platform.read({ sql in try await ReleaseRepository().latest(campaignId: campaign.id, on: sql) }) else { throw error }
            return try await materialise(made, campaign, questionnaire)
        }
        let release = Release(stored: stored, unitFamily: basis.families[0], unitOfAtom: basis.unitOfAtom,
                              breakdowns: Self.breakdowns(campaign, questionnaire.questionnaire))
        platform.releaseCache.set(campaign.id, release)
        return release
    }

    /// A stored release with what serving it needs.
    private func materialise(_ stored: ReleaseRepository.Stored, _ campaign: Campaign, _ q: QuestionnaireRepository.Stored) async throws -> Release {
        if let cached = platform.releaseCache.get(campaign.id, responses: stored.responses), cached.number == stored.number { return cached }
        let basis = try await self.basis(campaign, q, state: .init(count: stored.responses, lastId: stored.lastResponseId), figures: false)
        let release = Release(stored: stored, unitFamily: basis.families[0], unitOfAtom: basis.unitOfAtom,
                              breakdowns: Self.breakdowns(campaign, q.questionnaire))
        platform.releaseCache.set(campaign.id, release)
        return release
    }

    private func previous(_ stored: ReleaseRepository.Stored, _ campaign: Campaign, _ q: QuestionnaireRepository.Stored) async throws -> ReleasePattern.Previous {
        let basis = try await self.basis(campaign, q, state: .init(count: stored.responses, lastId: stored.lastResponseId))
        let respondents = basis.families.indices.map { f in
            Dictionary(zip(basis.families[f].atomKeys, basis.figures.respondents[f])) { a, _ in a }
        }
        let nodes = basis.measures.indices.map { m in
            basis.families.indices.map { f in Dictionary(zip(basis.families[f].atomKeys, basis.figures.nodes[m][f])) { a, _ in a } }
        }
        return .init(pattern: stored.pattern, respondents: respondents, nodes: nodes)
    }

    struct Basis {
        var families: [ReleaseFamily]
        var measures: [ReleaseMeasure]
        var figures: ReleaseFigures
        var unitOfAtom: [String: AdminUnit]
    }

    /// The families of tables over the responses of `state`, and (unless asked not to) each
    /// atom's figures.
    private func basis(_ campaign: Campaign, _ q: QuestionnaireRepository.Stored, state: CampaignIndexQueries.State,
                       figures wanted: Bool = true) async throws -> Basis {
        let index = platform.index
        let breakdowns = Self.breakdowns(campaign, q.questionnaire)
        func result(_ by: [String], _ measures: CampaignIndexQueries.Measures) async throws -> IndexResult {
            try await index.figures(campaign, questionnaire: q, by: by, rollup: nil, minN: campaign.disclosureMinN, within: nil,
                                    measures: measures, state: state).0
        }
        let byUnit = try await result(["unit"], .index)
        let atomKeys = Self.groups(byUnit)
        let units = try await index.unitsOfKeys(campaign, q, state: state)
        var cells: [ReleaseCell] = [ReleaseCell("total", [])]
        var atoms: [[Int]] = [Array(atomKeys.indices)]
        for (a, key) in atomKeys.enumerated() {
            cells.append(ReleaseCell("unit", [key]))
            atoms.append([a])
        }
        func grouped(_ table: String, _ keyOf: (String) -> String?) {
            var members: [String: [Int]] = [:]
            for (a, key) in atomKeys.enumerated() { if let k = keyOf(key) { members[k, default: []].append(a) } }
            for k in members.keys.sorted() {
                cells.append(ReleaseCell(table, [k]))
                atoms.append(members[k]!)
            }
        }
        grouped("province") { units.province[$0] ?? "" }
        let legacy = atomKeys.contains { units.unit[$0].map { $0.register != .reform2025 } ?? false }
        if legacy {
            grouped("unit@2025") { units.successor[$0] ?? nil }
            let kept = atomKeys.indices.filter { (units.successor[atomKeys[$0]] ?? nil) != nil }
            cells.append(ReleaseCell("total@2025", []))
            atoms.append(kept)
            let leftOut = atomKeys.indices.filter { (units.successor[atomKeys[$0]] ?? nil) == nil }
            if !leftOut.isEmpty {
                cells.append(ReleaseCell("left-out@2025", []))
                atoms.append(leftOut)
            }
        }
        var families = [ReleaseFamily(cells: cells, atoms: atoms, atomKeys: atomKeys)]
        var results: [[IndexResult]] = [[byUnit]]
        var wishResults: [IndexResult] = []
        let hasWishes = q.wishes != nil
        if wanted, hasWishes { wishResults.append(try await result(["unit"], .wishes)) }
        for b in breakdowns {
            let r = try await result([b], .index)
            let keys = Self.groups(r)
            families.append(ReleaseFamily(cells: [ReleaseCell("total", [])] + keys.map { ReleaseCell(b, [$0]) },
                                          atoms: [Array(keys.indices)] + keys.indices.map { [$0] }, atomKeys: keys))
            results[0].append(r)
            if wanted, hasWishes { wishResults.append(try await result([b], .wishes)) }
        }
        guard wanted else { return Basis(families: families, measures: [], figures: .init(respondents: [], nodes: []), unitOfAtom: units.unit) }
        var measures = [Self.measure("index", results[0][0])]
        var perMeasure = [results[0]]
        if hasWishes, let first = wishResults.first {
            measures.append(Self.measure("wishes", first))
            perMeasure.append(wishResults)
        }
        let respondents = families.indices.map { f in Self.respondents(results[0][f], families[f].atomKeys) }
        let nodes = measures.indices.map { m in
            families.indices.map { f in Self.nodeFigures(perMeasure[m][f], families[f].atomKeys, measures[m]) }
        }
        return Basis(families: families, measures: measures, figures: .init(respondents: respondents, nodes: nodes), unitOfAtom: units.unit)
    }

    /// The distinct one-column groups of a result, in its order.
    static func groups(_ result: IndexResult) -> [String] {
        var seen = Set<String>(), keys: [String] = []
        for row in result.rows where seen.insert(row.group.first ?? "").inserted { keys.append(row.group.first ?? "") }
        return keys
    }

    static func measure(_ name: String, _ result: IndexResult) -> ReleaseMeasure {
        let first = result.rows.first?.group ?? []
        return ReleaseMeasure(name: name, rows: result.rows.filter { $0.group == first })
    }

    /// A group's size: the largest n of its rows (its root's, normally).
    static func respondents(_ result: IndexResult, _ keys: [String]) -> [Double] {
        var size: [String: Int] = [:]
        for row in result.rows { size[row.group.first ?? "", default: 0] = max(size[row.group.first ?? ""] ?? 0, row.n) }
        return keys.map { Double(size[$0] ?? 0) }
    }

    static func nodeFigures(_ result: IndexResult, _ keys: [String], _ measure: ReleaseMeasure) -> [[ReleaseFigures.Figure]] {
        let position = Dictionary(measure.nodes.enumerated().map { ($0.element, $0.offset) }) { a, _ in a }
        var byGroup: [String: [ReleaseFigures.Figure]] = [:]
        for row in result.rows {
            guard let k = position["\(row.index)/\(row.node)"] else { continue }
            let g = row.group.first ?? ""
            if byGroup[g] == nil { byGroup[g] = Array(repeating: .zero, count: measure.nodes.count) }
            byGroup[g]![k] = .init(n: Double(row.n), mass: (row.estimate ?? 0) * Double(row.n) / 100)
        }
        return keys.map { byGroup[$0] ?? Array(repeating: .zero, count: measure.nodes.count) }
    }
}

/// The latest release of each campaign this process has made or read, with its serving data.
final class ReleaseCache: Sendable {
    private let entries = Mutex<[Int: Release]>([:])
    func get(_ campaign: Int, responses: Int) -> Release? {
        entries.withLock { $0[campaign] }.flatMap { $0.responses == responses ? $0 : nil }
    }
    func set(_ campaign: Int, _ release: Release) {
        entries.withLock { e in
            if let old = e[campaign], old.number > release.number { return }
            e[campaign] = release
        }
    }
}

/// Released tables as an audience reads them (the pattern applied), so that a page shown again
/// does not filter 100,000 rows again. A release never changes: a new one has a new number.
final class ReleasedTables: Sendable {
    struct Key: Hashable, Sendable {
        var campaign: Int
        var release: Int
        var table: String
        var measure: String
        var minN: Int
        var scope: [Int]
    }

    static let maxEntries = 64
    private let state = Mutex<(entries: [Key: (IndexResult, Int)], order: [Key])>(([:], []))

    func get(_ key: Key) -> (IndexResult, Int)? { state.withLock { $0.entries[key] } }

    func set(_ key: Key, _ value: (IndexResult, Int)) {
        state.withLock { s in
            guard s.entries[key] == nil else { return }
            s.entries[key] = value
            s.order.append(key)
            if s.order.count > Self.maxEntries { s.entries[s.order.removeFirst()] = nil }
        }
    }
}

extension Platform {
    var releases: Releases { Releases(platform: self) }
}
