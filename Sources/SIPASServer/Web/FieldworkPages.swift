import Foundation
import SIPASApp
import SIPASCore
import SIPASReports
import SIPASStore

/// The fieldwork page: progress in every grouping with its definitions, the day-by-day chart,
/// and for the campaign's administrators the assignment by commune and the moves.
struct FieldworkPage: Sendable {
    struct Grouping: Sendable { var href: String; var label: String; var current: Bool }
    struct ProgressRow: Sendable {
        var key: String; var label: String; var cases: String; var counts: [String]; var unassigned: String
        var responseRate: String; var rr1: String; var cooperation: String; var refusal: String; var overdue: String
    }
    struct Option: Sendable { var value: String; var label: String; var selected: Bool }
    struct UnitLine: Sendable {
        var id: Int; var code: String; var name: String; var cases: String; var unassigned: String; var holders: String; var options: [Option]
        var open: Bool
    }
    struct Load: Sendable { var username: String; var name: String; var postOffice: String; var cases: String; var open: String; var id: Int }

    var chrome: Chrome
    var campaign: CampaignLine
    var notice: String?
    var error: String?
    var problems: [ErrorPage.Item] = []
    var groupings: [Grouping]
    var groupLabel: String
    var dispositions: [String]
    var rows: [ProgressRow]
    var total: ProgressRow
    var endsOn: String?
    var csv: String
    var workbook: String
    var chart: String?
    var isAdmin: Bool
    var units: [UnitLine] = []
    var loads: [Load] = []
    var enumeratorOptions: [Option] = []
    var mayAssign: Bool = false
    var anyUnassigned: Bool = false
    /// Cases whose form came back after a recorded non-response.
    var toCheck: [String] = []
    var anyToCheck = false

    static func make(_ platform: Platform, campaign id: Int, by: String?, user: User, csrf: String?, notice: String?) async throws -> FieldworkPage {
        let grouping = FieldworkProgress.Grouping(rawValue: by ?? "") ?? (user.role == .fieldSupervisor ? .enumerator : .unit)
        let report = try await platform.fieldworkProgress.report(campaign: id, by: grouping, user: user)
        let c = report.campaign
        let labels: [FieldworkProgress.Grouping: String] = [.unit: "Đơn vị", .enumerator: "Điều tra viên", .postOffice: "Bưu điện", .stratum: "Tầng"]
        let allowed: [FieldworkProgress.Grouping] = user.role == .fieldSupervisor ? [.enumerator, .postOffice] : FieldworkProgress.Grouping.allCases
        var page = FieldworkPage(
            chrome: Chrome(title: "Điều tra thực địa — \(c.code)", user: user, csrf: csrf, section: "campaigns"), campaign: CampaignLine(c), notice: notice,
            groupings: allowed.map { Grouping(href: "/campaigns/\(id)/fieldwork?by=\($0.rawValue)", label: labels[$0]!, current: $0 == grouping) },
            groupLabel: labels[grouping]!, dispositions: Disposition.allCases.map(\.shortLabel),
            rows: report.rows.map { Self.row($0.key.isEmpty ? "—" : $0.key, $0.label, $0.counts) }, total: Self.row("", "Tổng", report.total),
            endsOn: report.endsOn.map { VietnameseFormat.date($0) }, csv: "/api/v1/campaigns/\(id)/fieldwork/progress?by=\(grouping.rawValue)&format=csv",
            workbook: "/campaigns/\(id)/fieldwork/progress.xlsx?by=\(grouping.rawValue)",
            chart: Self.chart(report), isAdmin: user.role == .systemAdmin || user.role == .provinceAdmin, toCheck: report.toCheck, anyToCheck: !report.toCheck.isEmpty)
        if page.isAdmin, let preview = try? await platform.assignments.preview(campaign: id, by: user) {
            page.mayAssign = c.status == .sampling || c.status == .fieldwork
            page.loads = preview.loads.map { Load(username: $0.enumerator.username, name: $0.enumerator.displayName, postOffice: $0.postOffice,
                                                  cases: VietnameseFormat.count($0.cases), open: VietnameseFormat.count($0.open), id: $0.enumerator.id) }
            page.enumeratorOptions = preview.loads.map { Option(value: String($0.enumerator.id), label: "\($0.enumerator.displayName) (\($0.enumerator.username))", selected: false) }
            page.units = preview.units.map { u in
                let suggested = preview.suggestion[u.unit.id]?.id
                return UnitLine(id: u.unit.id, code: u.unit.code, name: u.unit.name, cases: VietnameseFormat.count(u.cases), unassigned: VietnameseFormat.count(u.unassigned),
                                holders: u.holders.joined(separator: ", "),
                                options: [Option(value: "", label: "— không giao —", selected: suggested == nil)] + preview.loads.map {
                                    Option(value: String($0.enumerator.id), label: $0.enumerator.username, selected: $0.enumerator.id == suggested)
                                }, open: u.unassigned > 0)
            }
            page.anyUnassigned = page.units.contains { $0.open }
        }
        return page
    }

    static func percent(_ value: Double?) -> String { value.map { VietnameseFormat.percent($0 * 100) } ?? "—" }

    static func row(_ key: String, _ label: String, _ c: FieldworkCounts) -> ProgressRow {
        ProgressRow(key: key, label: label, cases: VietnameseFormat.count(c.cases), counts: Disposition.allCases.map { VietnameseFormat.count(c[$0]) },
                    unassigned: VietnameseFormat.count(c.unassigned), responseRate: percent(c.responseRate), rr1: percent(c.rr1),
                    cooperation: percent(c.cooperationRate), refusal: percent(c.refusalRate), overdue: VietnameseFormat.count(c.overdue))
    }

    /// Questionnaires collected, running total per day.
    static func chart(_ r: FieldworkProgress.Report) -> String? {
        var perDay: [String: Int] = [:]
        for d in r.perDay where d.disposition == .collected { perDay[d.day, default: 0] += d.count }
        guard !perDay.isEmpty else { return nil }
        var total = 0
        let points = perDay.keys.sorted().map { day -> TrendChart.Point in
            total += perDay[day]!
            return TrendChart.Point(label: VietnameseFormat.date(day), value: Double(total))
        }
        return TrendChart(key: "collected", title: "Số phiếu đã thu, cộng dồn theo ngày", points: points, unit: "phiếu").svg()
    }
}

/// An account's cases with what to do next: a phone's screen for an enumerator.
struct FieldworkCasesPage: Sendable {
    struct Option: Sendable { var value: String; var label: String; var selected = false }
    struct Card: Sendable {
        var code: String; var unit: String; var name: String; var address: String; var phone: String; var phoneHref: String
        var status: String; var statusClass: String; var since: String; var enumerator: String?; var reserveFor: String?
        var next: [Option]; var hasNext: Bool; var replaceable: Bool; var recheck: String?
        /// What the form shows: today and no note, or what was typed into a form the server refused.
        var date: String; var note = ""
    }

    var chrome: Chrome
    var campaign: CampaignLine
    var notice: String?
    var error: String?
    var errorCode: String?
    var problems: [ErrorPage.Item] = []
    var cards: [Card]
    var count: String
    var mayReplace: Bool
    var open: Bool
    /// Whether the account reads the progress page (not an enumerator).
    var overview: Bool
    /// The enumerator whose bảng kê can be printed from here.
    var printable: Int?

    static func make(_ platform: Platform, campaign id: Int, enumerator: Int?, user: User, csrf: String?, notice: String?) async throws -> FieldworkCasesPage {
        let lines = try await platform.fieldworkCases.list(campaign: id, enumerator: enumerator, by: user)
        let campaign = try await platform.campaigns.campaign(id, by: user)
        let mayReplace = user.role != .enumerator
        let today = VietnameseFormat.date(FieldworkRepository.today())
        // What is still to do comes first: cases not yet delivered or collected.
        let ordered = lines.filter { !($0.fieldCase.disposition?.isSettled ?? false) } + lines.filter { $0.fieldCase.disposition?.isSettled ?? false }
        let cards = ordered.map { l -> Card in
            let c = l.fieldCase
            let phone = l.contact["phone"] ?? ""
            return Card(code: c.code, unit: l.unit?.name ?? "", name: l.contact["name"] ?? "—", address: l.contact["address"] ?? "",
                        phone: phone, phoneHref: "tel:" + phone.filter { $0.isNumber || $0 == "+" },
                        status: c.disposition?.label ?? "Chưa giao", statusClass: "status-" + c.status, since: c.dispositionOn.map { VietnameseFormat.date($0) } ?? "",
                        enumerator: user.role == .enumerator ? nil : l.enumerator, reserveFor: c.releasedFor.map { CaseCode(number: $0).description },
                        next: l.next.map { Option(value: $0.rawValue, label: $0.label) }, hasNext: !l.next.isEmpty, replaceable: mayReplace && (c.disposition?.isNonResponse ?? false),
                        recheck: c.recheck.flatMap { Rechecks.Outcome(rawValue: $0)?.label }, date: today)
        }
        return FieldworkCasesPage(chrome: Chrome(title: "Trường hợp được giao — \(campaign.code)", user: user, csrf: csrf, section: "campaigns"),
                                  campaign: CampaignLine(campaign), notice: notice, cards: cards, count: VietnameseFormat.count(cards.count),
                                  mayReplace: mayReplace,
                                  open: campaign.status == .fieldwork || campaign.status == .entry,
                                  overview: AccessPolicy.allows(user.role, .readFieldwork),
                                  printable: user.role == .enumerator ? user.id : enumerator)
    }

    /// A refused form shows again as it was typed (on a phone, nothing is typed twice).
    mutating func keep(_ typed: [String: String], code: String) {
        guard let i = cards.firstIndex(where: { $0.code == code }) else { return }
        for j in cards[i].next.indices { cards[i].next[j].selected = cards[i].next[j].value == typed["disposition"] }
        if let date = typed["date"] { cards[i].date = date }
        cards[i].note = typed["note"] ?? ""
    }
}

/// The re-check: the sub-sample with the respondents' contacts, each outcome and decision, and the share confirmed per enumerator.
struct RecheckPage: Sendable {
    struct Line: Sendable {
        var code: String; var unit: String; var name: String; var phone: String; var address: String; var enumerator: String
        var outcome: String; var undecided: Bool; var decision: String?; var pending: Bool
    }
    struct Share: Sendable { var enumerator: String; var selected: String; var confirmed: String; var notConfirmed: String; var unreachable: String; var share: String }

    var chrome: Chrome
    var campaign: CampaignLine
    var notice: String?
    var error: String?
    var lines: [Line]
    var shares: [Share]
    var open: Bool

    static func make(_ platform: Platform, campaign id: Int, user: User, csrf: String?, notice: String?) async throws -> RecheckPage {
        let overview = try await platform.rechecks.overview(campaign: id, by: user)
        let c = overview.campaign
        return RecheckPage(
            chrome: Chrome(title: "Phúc tra — \(c.code)", user: user, csrf: csrf, section: "campaigns"), campaign: CampaignLine(c), notice: notice,
            lines: overview.cases.map { l in
                let outcome = Rechecks.Outcome(rawValue: l.fieldCase.recheck ?? "") ?? .selected
                return Line(code: l.fieldCase.code, unit: l.unit?.name ?? "", name: l.contact["name"] ?? "—", phone: l.contact["phone"] ?? "",
                            address: l.contact["address"] ?? "", enumerator: l.enumerator ?? "", outcome: outcome.label,
                            undecided: outcome == .notConfirmed && l.fieldCase.recheckDecision == nil,
                            decision: l.fieldCase.recheckDecision.flatMap { Rechecks.Decision(rawValue: $0)?.label }, pending: outcome == .selected)
            },
            shares: overview.perEnumerator.map {
                Share(enumerator: $0.enumerator, selected: VietnameseFormat.count($0.selected), confirmed: VietnameseFormat.count($0.confirmed),
                      notConfirmed: VietnameseFormat.count($0.notConfirmed), unreachable: VietnameseFormat.count($0.unreachable),
                      share: FieldworkPage.percent($0.shareConfirmed))
            },
            open: c.status == .fieldwork || c.status == .entry)
    }
}
