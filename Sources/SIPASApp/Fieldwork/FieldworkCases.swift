import Foundation
import SIPASCore
import SIPASStore

/// The cases an account reaches, with what an enumerator needs to deliver: the respondent's
/// contact details, decrypted only for the enumerator who holds the case (and, to hand over or
/// re-check, the post office's supervisor and the campaign's administrators), each reading audited.
public struct FieldworkCases: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    public struct Line: Sendable, Equatable {
        public var fieldCase: FieldworkRepository.FieldCase
        public var unit: AdminUnit?
        public var enumerator: String?
        /// name, address, phone (absent when the frame had none or was purged).
        public var contact: [String: String]
        /// The dispositions that may be recorded next.
        public var next: [Disposition]
    }

    /// The account's cases (an enumerator's own, a supervisor's post office's), with contacts.
    /// `enumerator` narrows an administrator's or supervisor's list to one enumerator.
    public func list(campaign id: Int, enumerator: Int? = nil, withContacts: Bool = true, by user: User?) async throws -> [Line] {
        let scope = try await platform.fieldworkScope(id, user, .recordDispositions)
        var ids = scope.enumeratorIds.map(Array.init)
        if let enumerator {
            if let allowed = scope.enumeratorIds, !allowed.contains(enumerator) { throw AppError.notFound("điều tra viên \(enumerator)") }
            ids = [enumerator]
        }
        let campaignId = scope.campaign.id, chosen = ids.map { $0.sorted() }
        let cases = try await platform.read { sql in
            try await FieldworkRepository().activeCases(campaignId: campaignId, enumeratorIds: chosen, on: sql)
        }
        return try await lines(cases, scope: scope, withContacts: withContacts)
    }

    public struct Listing: Sendable {
        public var campaign: Campaign
        public var enumerator: User
        public var postOffice: String
        public var lines: [Line]
        /// Case number → disposition → the day it happened (the delivery and collection columns).
        public var dates: [Int: [String: String]]
    }

    /// An enumerator's cases as their printed list (bảng kê) shows them: the sampled cases and the
    /// reserves released to them, in commune and draw order, with the contacts to deliver.
    public func listing(campaign id: Int, enumerator enumeratorId: Int, withContacts: Bool = true, by user: User?) async throws -> Listing {
        let scope = try await platform.fieldworkScope(id, user, .recordDispositions)
        if let allowed = scope.enumeratorIds, !allowed.contains(enumeratorId) { throw AppError.notFound("điều tra viên \(enumeratorId)") }
        guard let enumerator = try await platform.read({ sql in try await platform.store.users.find(id: enumeratorId, on: sql) }), enumerator.role == .enumerator else {
            throw AppError.notFound("điều tra viên \(enumeratorId)")
        }
        let offices = try await platform.read { sql in try await FieldworkRepository().postOffices(on: sql) }
        let lines = try await list(campaign: id, enumerator: enumeratorId, withContacts: withContacts, by: user)
        let campaignId = scope.campaign.id
        let dates = try await platform.read { sql in try await FieldworkRepository().dispositionDates(campaignId: campaignId, numbers: lines.map(\.fieldCase.number), on: sql) }
        return Listing(campaign: scope.campaign, enumerator: enumerator, postOffice: offices.first { $0.id == enumerator.postOfficeId }?.name ?? "",
                       lines: lines.sorted { ($0.unit?.code ?? "", $0.fieldCase.number) < ($1.unit?.code ?? "", $1.fieldCase.number) }, dates: dates)
    }

    /// One case with its history.
    public func detail(campaign id: Int, code text: String, by user: User?) async throws -> (line: Line, events: [FieldworkRepository.Event], users: [Int: String]) {
        let scope = try await platform.fieldworkScope(id, user, .recordDispositions)
        guard let code = CaseCode(text) else { throw AppError.notFound("trường hợp \(text)") }
        let campaignId = scope.campaign.id
        guard let c = try await platform.read({ sql in try await FieldworkRepository().fieldCase(campaignId: campaignId, code: code.description, on: sql) }),
              c.isActive, scope.reaches(c) else {
            throw AppError.notFound("trường hợp \(code)")
        }
        let events = try await platform.read { sql in try await FieldworkRepository().events(campaignId: campaignId, caseNumber: c.number, on: sql) }
            .filter { scope.isAdmin || !Self.recheckKinds.contains($0.kind) }
        var users: [Int: String] = [:]
        for userId in Set(events.compactMap(\.userId)) {
            users[userId] = try await platform.read { sql in try await platform.store.users.find(id: userId, on: sql) }?.username
        }
        return (try await lines([c], scope: scope, withContacts: true).first!, events, users)
    }

    func lines(_ cases: [FieldworkRepository.FieldCase], scope: FieldworkScope, withContacts: Bool) async throws -> [Line] {
        let campaignId = scope.campaign.id
        let (units, accounts) = try await platform.read { sql in
            (try await platform.store.campaigns.units(of: campaignId, on: sql), try await FieldworkRepository().fieldAccounts(on: sql))
        }
        let unitById = Dictionary(units.map { ($0.unit.id, $0.unit) }, uniquingKeysWith: { a, _ in a })
        let names = Dictionary(accounts.map { ($0.id, $0.username) }, uniquingKeysWith: { a, _ in a })
        var contacts: [Int: [String: String]] = [:]
        // Analysts read progress, never people.
        if withContacts && scope.user.role != .ministryAnalyst && !cases.isEmpty {
            let sealed = try await platform.read { sql in try await FieldworkRepository().contacts(campaignId: campaignId, numbers: cases.map(\.number), on: sql) }
            if !sealed.isEmpty {
                let seal = try platform.db.contactSeal()
                for c in cases {
                    guard let text = sealed[c.number] else { continue }
                    contacts[c.number] = try ContactJSON.decode(try seal.open(text, context: "frame/\(campaignId)/\(c.frameKey)"))
                }
                let read = Array(contacts.keys)
                try await platform.transaction { sql in
                    try await platform.record(scope.user, "fieldwork.contacts", entity: "campaign", id: String(campaignId),
                                              detail: "đọc thông tin liên hệ của \(read.count) trường hợp: \(Self.runs(read))", on: sql)
                }
            }
        }
        return cases.map { c in
            var c = c
            if !scope.isAdmin { (c.recheck, c.recheckDecision) = (nil, nil) }
            return Line(fieldCase: c, unit: unitById[c.unitId], enumerator: c.enumeratorId.flatMap { names[$0] }, contact: contacts[c.number] ?? [:],
                 next: c.disposition?.next.filter { $0 != .replaced } ?? [])
        }
    }

    /// The re-check is the province's check on the post office's work: whether a case is chosen,
    /// and what the call found, stay with the administrators — an enumerator who knew could reach
    /// the household first.
    static let recheckKinds: Set<String> = ["recheck", "decision"]

    /// Case numbers as runs of codes ("000001-3 … 000012-6, 000020-1"): whom a reading reached,
    /// short enough for an audit entry when it is a whole commune's list.
    static func runs(_ numbers: [Int]) -> String {
        var runs: [(Int, Int)] = []
        for n in numbers.sorted() {
            if let last = runs.last, last.1 + 1 == n { runs[runs.count - 1].1 = n } else { runs.append((n, n)) }
        }
        let shown = runs.prefix(200).map { a, b in a == b ? CaseCode(number: a).description : "\(CaseCode(number: a)) … \(CaseCode(number: b))" }
        return shown.joined(separator: ", ") + (runs.count > 200 ? " và \(runs.count - 200) dãy khác" : "")
    }
}
