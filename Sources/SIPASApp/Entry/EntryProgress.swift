import Foundation
import SIPASCore
import SIPASStore

/// How the keying of paper forms stands: forms received per post office and day — keyed once,
/// twice, waiting for a decision, verified — the collected questionnaires not yet keyed, and
/// each clerk's error rate: the fields where the two keyings disagreed and the decision went
/// against the clerk, over the fields the clerk keyed.
public struct EntryProgress: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    public struct Batch: Sendable, Equatable {
        public var postOffice: String
        public var day: String
        public var received = 0
        public var keyedOnce = 0
        public var differs = 0
        public var verified = 0
        /// Verified after a decision on differing fields.
        public var adjudicated = 0
        /// Keyed once or differing, but the case's response came by another channel meanwhile
        /// (a file, online): nothing is left to key or decide.
        public var elsewhere = 0
    }

    public struct KeyerRate: Sendable, Equatable {
        public var username: String
        public var forms: Int
        public var fields: Int
        public var errors: Int
        public var rate: Double? { fields > 0 ? Double(errors) / Double(fields) : nil }
    }

    public struct Report: Sendable {
        public var campaign: Campaign
        public var batches: [Batch]
        public var keyers: [KeyerRate]
        /// Collected questionnaires with neither a keyed form nor a response, per post office.
        public var outstanding: [(postOffice: String, count: Int)]
    }

    public func report(campaign id: Int, by user: User?) async throws -> Report {
        let user = try platform.require(user, .manageFieldwork)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try await platform.requireCampaignAdmin(user, campaign)
        let campaignId = campaign.id
        let (forms, keyings, decisions, cases, answered, accounts, offices) = try await platform.read { sql in
            let entry = EntryRepository(), field = FieldworkRepository()
            return (try await entry.forms(campaignId: campaignId, on: sql), try await entry.keyings(campaignId: campaignId, on: sql),
                    try await entry.decisions(campaignId: campaignId, on: sql), try await field.activeCases(campaignId: campaignId, on: sql),
                    Set(try await field.responseCases(campaignId: campaignId, on: sql).compactMap(\.caseNumber)),
                    try await field.fieldAccounts(on: sql), try await field.postOffices(on: sql))
        }
        let officeName = Dictionary(offices.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        // Enumerators (who hold the cases) and the clerks who keyed: only these accounts are read.
        var account = Dictionary(accounts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for keyer in Set(keyings.map(\.keyerId)) where account[keyer] == nil {
            account[keyer] = try await platform.read { sql in try await platform.store.users.find(id: keyer, on: sql) }
        }
        let caseByNumber = Dictionary(cases.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        func office(_ number: Int) -> String {
            caseByNumber[number]?.enumeratorId.flatMap { account[$0]?.postOfficeId }.flatMap { officeName[$0] } ?? "Chưa rõ bưu điện"
        }
        let decided = Set(decisions.map(\.caseNumber))
        var batches: [String: Batch] = [:]
        for form in forms {
            let key = office(form.caseNumber) + "\u{1F}" + form.receivedOn
            var batch = batches[key] ?? Batch(postOffice: office(form.caseNumber), day: form.receivedOn)
            batch.received += 1
            let status = DoubleEntry.Status(rawValue: form.status)
            if status != .verified && answered.contains(form.caseNumber) {
                batch.elsewhere += 1
                batches[key] = batch
                continue
            }
            switch status {
            case .keyedOnce: batch.keyedOnce += 1
            case .differs: batch.differs += 1
            case .verified:
                batch.verified += 1
                if decided.contains(form.caseNumber) { batch.adjudicated += 1 }
            case nil: break
            }
            batches[key] = batch
        }
        let withForm = Set(forms.map(\.caseNumber))
        var outstanding: [String: Int] = [:]
        for c in cases where c.disposition == .collected && !withForm.contains(c.number) && !answered.contains(c.number) {
            outstanding[office(c.number), default: 0] += 1
        }
        let keyers = try rates(campaign: campaignId, keyings: keyings, decisions: decisions, accounts: account,
                               items: try await platform.questionnaire(of: campaign).questionnaire.items.count)
        return Report(campaign: campaign, batches: batches.values.sorted { ($0.day, $0.postOffice) < ($1.day, $1.postOffice) }, keyers: keyers,
                      outstanding: outstanding.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    private func rates(campaign: Int, keyings: [EntryRepository.Keying], decisions: [EntryRepository.Decision], accounts: [Int: User], items: Int) throws -> [KeyerRate] {
        var rates: [Int: KeyerRate] = [:]
        for k in keyings {
            var r = rates[k.keyerId] ?? KeyerRate(username: accounts[k.keyerId]?.username ?? "#\(k.keyerId)", forms: 0, fields: 0, errors: 0)
            r.forms += 1
            r.fields += items
            rates[k.keyerId] = r
        }
        guard !decisions.isEmpty else { return rates.values.sorted { $0.username < $1.username } }
        let seal = try platform.db.contactSeal()
        let byCase = Dictionary(grouping: keyings, by: \.caseNumber)
        for (number, list) in Dictionary(grouping: decisions, by: \.caseNumber) {
            let code = CaseCode(number: number).description
            let keyed = try (byCase[number] ?? []).map { ($0.keyerId, DoubleEntry.decode(try seal.open($0.answers, context: DoubleEntry.context(campaign, code, $0.pass)))) }
            for d in list {
                let value = String(decoding: try seal.open(d.value, context: DoubleEntry.context(campaign, code, 0) + "/" + d.item), as: UTF8.self)
                for (keyer, answers) in keyed where (answers[d.item] ?? "") != value { rates[keyer]?.errors += 1 }
            }
        }
        return rates.values.sorted { $0.username < $1.username }
    }
}
