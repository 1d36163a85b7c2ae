import Foundation
import Synchronization
import SIPASCore
import SIPASStore

/// How far the fieldwork has come (sampling-method §10): cases per disposition, response rate,
/// AAPOR RR1, cooperation and refusal rates, overdue cases, per unit, enumerator, post office or
/// stratum — every grouping adding up to the same totals (cases nobody holds are a row of their
/// own) — and the dispositions recorded day by day.
public struct FieldworkProgress: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    public enum Grouping: String, Sendable, CaseIterable {
        case unit, enumerator, postOffice = "post_office", stratum
    }

    public struct Row: Sendable, Equatable {
        /// The unit's code, the enumerator's username, the post office's name or the stratum key; "" for cases nobody holds.
        public var key: String
        public var label: String
        public var counts: FieldworkCounts
    }

    public struct Report: Sendable {
        public var campaign: Campaign
        public var grouping: Grouping
        public var rows: [Row]
        public var total: FieldworkCounts
        /// The fieldwork phase's last day (ISO), from which unsettled cases are overdue.
        public var endsOn: String?
        /// (day, disposition, count) of dispositions recorded, by the day they happened.
        public var perDay: [(day: String, disposition: Disposition, count: Int)]
        /// For administrators: cases whose form came back after the enumerator recorded a
        /// non-response — the form is counted; whether the refusal or the form is wrong is theirs to find out.
        public var toCheck: [String] = []
    }

    public func report(campaign id: Int, by grouping: Grouping, user: User?) async throws -> Report {
        let scope = try await platform.fieldworkScope(id, user, .readFieldwork)
        if scope.enumeratorIds != nil && grouping != .enumerator && grouping != .postOffice {
            // Units and strata mix every post office's cases: a supervisor reads them only by enumerator.
            throw AppError.forbidden("giám sát bưu điện xem tiến độ theo điều tra viên hoặc bưu điện (supervisors see progress by enumerator)")
        }
        let campaignId = scope.campaign.id
        let column: FieldworkRepository.Grouping = switch grouping {
        case .unit: .unit
        case .enumerator, .postOffice: .enumerator
        case .stratum: .stratum
        }
        let (phases, accounts, offices, units) = try await platform.read { sql in
            let store = FieldworkRepository()
            return (try await platform.store.campaigns.phases(of: campaignId, on: sql), try await store.fieldAccounts(on: sql), try await store.postOffices(on: sql),
                    try await platform.store.campaigns.units(of: campaignId, on: sql))
        }
        let (counts, perDay, toCheck) = try await platform.progressCounts.counts(campaign: campaignId, by: column, platform: platform)
        let endsOn = phases.first { $0.phase == .fieldwork }?.endsOn
        let late = endsOn.map { FieldworkRepository.today() > $0 } ?? false
        let account = Dictionary(accounts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let office = Dictionary(offices.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let unit = Dictionary(units.map { (String($0.unit.id), $0.unit) }, uniquingKeysWith: { a, _ in a })
        var groups: [String: Row] = [:]
        var total = FieldworkCounts()
        for g in counts {
            // A supervisor sees their post office's enumerators; other cases add up in one row.
            let visible = g.key.flatMap(Int.init).map { id in scope.enumeratorIds?.contains(id) ?? true } ?? true
            let (key, label): (String, String)
            switch grouping {
            case .unit:
                let u = g.key.flatMap { unit[$0] }
                (key, label) = (u?.code ?? g.key ?? "", u?.name ?? "")
            case .enumerator:
                let e = g.key.flatMap(Int.init).flatMap { account[$0] }
                (key, label) = !visible ? ("*", "Điều tra viên của bưu điện khác") : (e?.username ?? "", e?.displayName ?? "Chưa giao")
            case .postOffice:
                let e = g.key.flatMap(Int.init).flatMap { account[$0] }
                let name = e?.postOfficeId.flatMap { office[$0] }
                (key, label) = !visible ? ("*", "Bưu điện khác") : (name ?? "", name ?? "Chưa giao")
            case .stratum:
                (key, label) = (g.key ?? "", g.key ?? "")
            }
            var row = groups[key] ?? Row(key: key, label: label, counts: FieldworkCounts())
            let disposition = Disposition(rawValue: g.status)
            let settled = disposition?.isSettled ?? false
            row.counts.add(disposition, sampled: g.sampled, overdue: late && !settled, count: g.count)
            groups[key] = row
        }
        for row in groups.values { total.add(row.counts) }
        let rows = groups.values.sorted { ($0.key.isEmpty ? 1 : 0, $0.key) < ($1.key.isEmpty ? 1 : 0, $1.key) }
        var report = Report(campaign: scope.campaign, grouping: grouping, rows: rows, total: total, endsOn: endsOn,
                            perDay: perDay.compactMap { d in Disposition(rawValue: d.value).map { (d.day, $0, d.count) } })
        if scope.isAdmin { report.toCheck = toCheck.map { CaseCode(number: $0).description } }
        return report
    }
}

/// The case counts behind the progress pages, per campaign and grouping, kept until a case
/// changes (every change is an event): a campaign of 100,000 cases is counted once, not per page.
final class ProgressCounts: Sendable {
    typealias Counts = (groups: [FieldworkRepository.GroupCount], perDay: [(day: String, value: String, count: Int)], toCheck: [Int])
    private let kept = Mutex<[String: (version: String, counts: Counts)]>([:])

    func counts(campaign id: Int, by column: FieldworkRepository.Grouping, platform: Platform) async throws -> Counts {
        let store = FieldworkRepository()
        let version = try await platform.read { sql in try await store.version(campaignId: id, on: sql) }
        let key = "\(id)/\(column.rawValue)"
        if let hit = kept.withLock({ $0[key] }), hit.version == version { return hit.counts }
        let counts: Counts = try await platform.read { sql in
            (try await store.groupCounts(campaignId: id, by: column, on: sql), try await store.dispositionsPerDay(campaignId: id, on: sql),
             try await store.collectedAfterNonResponse(campaignId: id, on: sql))
        }
        kept.withLock { $0[key] = (version, counts) }
        return counts
    }
}
