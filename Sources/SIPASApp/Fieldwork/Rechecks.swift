import Foundation
import SIPASCore
import SIPASStore

/// The re-check (phúc tra, sampling-method §10): per enumerator a reproducible sub-sample of the
/// collected cases, reached again by the province; each outcome recorded (confirmed, not
/// confirmed, could not reach). A collection not confirmed is held out of the index until a
/// campaign administrator decides to keep or exclude its form.
public struct Rechecks: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    public enum Outcome: String, Sendable, CaseIterable {
        case selected, confirmed
        case notConfirmed = "not_confirmed"
        case unreachable

        public var label: String {
            switch self {
            case .selected: return "Chờ phúc tra"
            case .confirmed: return "Xác nhận đúng"
            case .notConfirmed: return "Không xác nhận"
            case .unreachable: return "Không liên lạc được"
            }
        }
    }

    public enum Decision: String, Sendable, CaseIterable {
        case kept, excluded

        public var label: String { self == .kept ? "Giữ phiếu" : "Loại phiếu" }
    }

    /// Selects the sub-sample among the cases collected so far; cases chosen before stay chosen.
    public func select(campaign id: Int, share: Double = RecheckSelection.defaultShare, by user: User?) async throws -> Int {
        let scope = try await platform.fieldworkScope(id, user, .manageFieldwork)
        try platform.requireFieldworkOpen(scope.campaign)
        guard share > 0 && share <= 1 else { throw AppError.invalid("tỷ lệ phúc tra từ 0 đến 1 (ví dụ 0.1) (share between 0 and 1)", field: "/share") }
        let campaignId = scope.campaign.id, seed = scope.draw.seed
        return try await platform.fieldworkTransaction { sql in
            let store = FieldworkRepository()
            let accounts = Dictionary(try await store.fieldAccounts(on: sql).map { ($0.id, $0.username) }, uniquingKeysWith: { a, _ in a })
            let collected = try await store.activeCases(campaignId: campaignId, on: sql).filter { $0.disposition == .collected && $0.enumeratorId != nil }
            let byKey = Dictionary(collected.map { ($0.frameKey, $0) }, uniquingKeysWith: { a, _ in a })
            let chosen = RecheckSelection.select(collected.map { .init(enumerator: accounts[$0.enumeratorId!] ?? "#\($0.enumeratorId!)", key: $0.frameKey) },
                                                 seed: seed, share: share)
            var added: [FieldworkRepository.FieldCase] = []
            for key in chosen.values.flatMap({ $0 }) {
                guard let c = byKey[key], c.recheck == nil else { continue }
                try await store.setRecheck(campaignId: campaignId, code: c.code, to: Outcome.selected.rawValue, decision: nil, on: sql)
                added.append(c)
            }
            let today = FieldworkRepository.today()
            try await store.addEvents(added.map { .init(caseNumber: $0.number, kind: "recheck", value: Outcome.selected.rawValue, occurredOn: today, reason: "tỷ lệ \(share)", userId: scope.user.id) },
                                      campaignId: campaignId, on: sql)
            try await platform.recordFieldwork(scope.user, "fieldwork.recheck-select", campaign: campaignId, cases: added.map(\.number),
                                      detail: "\(added.count) trường hợp được chọn phúc tra (tỷ lệ \(share))", on: sql)
            return added.count
        }
    }

    /// Records what the re-check found.
    public func record(campaign id: Int, code text: String, outcome: String, note: String?, by user: User?) async throws {
        let scope = try await platform.fieldworkScope(id, user, .manageFieldwork)
        guard let result = Outcome(rawValue: outcome), result != .selected else {
            throw AppError.invalid("kết quả phúc tra là confirmed, not_confirmed hoặc unreachable (unknown outcome)", field: "/outcome")
        }
        try await change(scope, code: text, note: note) { c in
            guard c.recheck != nil else { throw AppError.invalid("trường hợp \(c.code) không nằm trong mẫu phúc tra (not selected for re-check)", field: "/code") }
            guard c.recheckDecision == nil else { throw AppError.conflict("trường hợp \(c.code) đã được quyết định (\(c.recheckDecision!)); không ghi lại kết quả phúc tra", field: "/code") }
            return (result.rawValue, nil, "recheck", result.rawValue)
        }
    }

    /// Keeps or excludes the form of a collection the re-check did not confirm.
    public func decide(campaign id: Int, code text: String, decision: String, note: String?, by user: User?) async throws {
        let scope = try await platform.fieldworkScope(id, user, .manageFieldwork)
        guard let choice = Decision(rawValue: decision) else { throw AppError.invalid("quyết định là kept hoặc excluded (unknown decision)", field: "/decision") }
        try await change(scope, code: text, note: note) { c in
            guard c.recheck == Outcome.notConfirmed.rawValue else {
                throw AppError.invalid("chỉ quyết định với trường hợp phúc tra không xác nhận; trường hợp \(c.code): \(c.recheck.flatMap { Outcome(rawValue: $0)?.label } ?? "không phúc tra")", field: "/code")
            }
            return (c.recheck, choice.rawValue, "decision", choice.rawValue)
        }
    }

    private func change(_ scope: FieldworkScope, code text: String, note: String?,
                        _ next: @escaping @Sendable (FieldworkRepository.FieldCase) throws -> (String?, String?, String, String)) async throws {
        try platform.requireFieldworkOpen(scope.campaign)
        guard let code = CaseCode(text) else { throw AppError.invalid("mã phiếu \"\(text)\" sai chữ số kiểm tra (a wrong check digit)", field: "/code") }
        var reason: String?
        if let note { do { reason = try TextRules.clean(note, maxLength: 500) } catch { throw AppError.text(error, field: "/note", label: "ghi chú") } }
        let campaignId = scope.campaign.id, why = reason
        try await platform.fieldworkTransaction { sql in
            let store = FieldworkRepository()
            guard let c = try await store.fieldCase(campaignId: campaignId, code: code.description, on: sql), c.isActive else {
                throw AppError.invalid(FieldworkScope.unknownCase(code.description), field: "/code")
            }
            let (recheck, decision, kind, value) = try next(c)
            try await store.setRecheck(campaignId: campaignId, code: c.code, to: recheck, decision: decision, on: sql)
            try await store.addEvents([.init(caseNumber: c.number, kind: kind, value: value, occurredOn: FieldworkRepository.today(), reason: why, userId: scope.user.id)],
                                      campaignId: campaignId, on: sql)
            try await platform.recordFieldwork(scope.user, "fieldwork.\(kind)", campaign: campaignId, cases: [c.number], detail: "\(c.code): \(value)", on: sql)
        }
    }

    public struct EnumeratorShare: Sendable, Equatable {
        public var enumerator: String
        public var selected: Int
        public var confirmed: Int
        public var notConfirmed: Int
        public var unreachable: Int
        /// Confirmed over those reached (confirmed or not); nil before any.
        public var shareConfirmed: Double? { confirmed + notConfirmed > 0 ? Double(confirmed) / Double(confirmed + notConfirmed) : nil }
    }

    public struct Overview: Sendable {
        public var campaign: Campaign
        public var cases: [FieldworkCases.Line]
        public var perEnumerator: [EnumeratorShare]
    }

    /// The re-check list (with contacts, to reach the respondents again) and the share confirmed per enumerator.
    public func overview(campaign id: Int, by user: User?) async throws -> Overview {
        let scope = try await platform.fieldworkScope(id, user, .manageFieldwork)
        let campaignId = scope.campaign.id
        let cases = try await platform.read { sql in try await FieldworkRepository().activeCases(campaignId: campaignId, on: sql) }.filter { $0.recheck != nil }
        let lines = try await FieldworkCases(platform).lines(cases, scope: scope, withContacts: true)
        var shares: [String: EnumeratorShare] = [:]
        for line in lines {
            let name = line.enumerator ?? ""
            var s = shares[name] ?? EnumeratorShare(enumerator: name, selected: 0, confirmed: 0, notConfirmed: 0, unreachable: 0)
            s.selected += 1
            switch Outcome(rawValue: line.fieldCase.recheck ?? "") {
            case .confirmed: s.confirmed += 1
            case .notConfirmed: s.notConfirmed += 1
            case .unreachable: s.unreachable += 1
            default: break
            }
            shares[name] = s
        }
        return Overview(campaign: scope.campaign, cases: lines, perEnumerator: shares.values.sorted { $0.enumerator < $1.enumerator })
    }
}
