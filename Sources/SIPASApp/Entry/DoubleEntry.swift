import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore
import SQLKit

/// Paper questionnaires keyed twice by two different clerks. When both keyings agree the
/// response is stored (and so counts in the index); otherwise a campaign administrator sees the
/// differences side by side and decides each field. Every keying is checked against the
/// questionnaire with the same rules as any response (`ResponseCheck`); the answers are kept
/// sealed until the form is verified.
public struct DoubleEntry: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    public enum Status: String, Sendable {
        case keyedOnce = "keyed-once", differs, verified

        public var label: String {
            switch self {
            case .keyedOnce: return "Đã nhập một lần"
            case .differs: return "Hai lần nhập khác nhau, chờ quyết định"
            case .verified: return "Đã xác minh, đã lưu"
            }
        }
    }

    public struct Keyed: Sendable, Equatable {
        public var code: String
        public var pass: Int
        public var status: Status
        /// Items whose two keyings differ.
        public var differences: [String]
    }

    /// Keys one paper form. `answers`: item code → value as written on paper (codes).
    public func key(campaign id: Int, code text: String, answers given: [String: String], by user: User?) async throws -> Keyed {
        let user = try platform.require(user, .keyForms)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try Responses.requireAcceptsResponses(campaign)
        let c = try await fieldCase(campaign, text)
        let questionnaire = try await platform.questionnaire(of: campaign)
        let checked = ResponseCheck(schema: questionnaire.schema).check(given.filter { !$0.value.trimmingCharacters(in: .whitespaces).isEmpty })
        var problems = checked.problems.map { AppError.Item(field: "/answers/\($0.item)", message: $0.message) }
        problems += checked.irrelevant.map { AppError.Item(field: "/answers/\($0)", message: AnswerRules.notRelevant($0)) }
        if let first = problems.first {
            throw AppError(.invalidContent, "phiếu chưa được lưu: \(problems.count) câu trả lời không hợp lệ (the keying was refused)",
                           field: first.field, items: problems, totalItems: problems.count)
        }
        let items = questionnaire.questionnaire.items.map(\.code)
        let keyed = Self.answerMap(items, checked.answers)
        let seal = try platform.db.contactSeal()
        let campaignId = campaign.id
        let records = try await verifiedRecord(campaign, c, answers: checked.answers)
        try await Responses(platform).requireInScope(records, campaign: campaign, user: user)
        do {
            return try await platform.groupedFieldworkTransaction { sql in
                let store = EntryRepository()
                let earlier = try await store.keyings(campaignId: campaignId, caseNumber: c.number, on: sql)
                let form = try await store.form(campaignId: campaignId, caseNumber: c.number, on: sql)
                if earlier.count >= 2 || form?.status == Status.verified.rawValue {
                    throw AppError.conflict("phiếu \(c.code) đã được nhập đủ hai lần (already keyed twice)", field: "/code")
                }
                if let first = earlier.first, first.keyerId == user.id {
                    throw AppError.conflict("phiếu \(c.code) đã do bạn nhập lần 1; lần nhập thứ hai phải do một người khác (the same clerk cannot key a form twice)", field: "/code")
                }
                let pass = earlier.count + 1
                let sealed = try seal.seal(Array(Self.encode(keyed).utf8), context: Self.context(campaignId, c.code, pass))
                var differences: [String] = []
                var status = Status.keyedOnce
                if let first = earlier.first {
                    let before = Self.decode(try seal.open(first.answers, context: Self.context(campaignId, c.code, 1)))
                    differences = items.filter { (before[$0] ?? "") != (keyed[$0] ?? "") }
                    status = differences.isEmpty ? .verified : .differs
                }
                try await store.addKeying(campaignId: campaignId, .init(caseNumber: c.number, pass: pass, keyerId: user.id, answers: sealed, keyedAt: Timestamp.now()),
                                          receivedOn: FieldworkRepository.today(), status: status.rawValue, on: sql)
                if status == .verified { try await storeResponse(records, campaign: campaign, caseNumber: c.number, user: user, on: sql) }
                try await platform.recordFieldwork(user, "entry.key", campaign: campaignId, cases: [c.number],
                                          detail: "\(c.code) lần \(pass): \(status.rawValue)\(differences.isEmpty ? "" : " (\(differences.count) câu khác)")", on: sql)
                return Keyed(code: c.code, pass: pass, status: status, differences: differences)
            }
        } catch let error where Responses.isUniqueViolation(error) {
            throw AppError.conflict("phiếu \(c.code) vừa được lưu cùng lúc — bởi một người nhập khác, hoặc phiếu của trường hợp vừa đến qua kênh khác; tải lại và kiểm tra (stored concurrently)", field: "/code")
        }
    }

    /// The questionnaire the forms of a campaign are keyed from.
    public func questionnaire(campaign id: Int, by user: User?) async throws -> Questionnaire {
        let user = try platform.require(user, .keyForms)
        return try await platform.questionnaire(of: try await platform.visibleCampaign(id, for: user)).questionnaire
    }

    /// A case a paper form may belong to: its code's check digit, a case of the sample in the fieldwork, not replaced nor ineligible.
    func fieldCase(_ campaign: Campaign, _ text: String) async throws -> FieldworkRepository.FieldCase {
        guard let code = CaseCode(text) else {
            throw AppError.invalid("mã phiếu \"\(text)\" sai chữ số kiểm tra; đọc lại mã in trên phiếu (a wrong check digit)", field: "/code")
        }
        guard let c = try await platform.read({ sql in try await FieldworkRepository().fieldCase(campaignId: campaign.id, code: code.description, on: sql) }) else {
            throw AppError.invalid("không có trường hợp \(code) trong mẫu của kỳ (an unknown case)", field: "/code")
        }
        if let refusal = ResponseCases.refusal(c) { throw AppError.invalid(refusal, field: "/code") }
        if let stored = try await platform.read({ sql in try await FieldworkRepository().responsesOfCases(campaignId: campaign.id, numbers: [c.number], on: sql) })[c.number] {
            throw AppError.conflict("trường hợp \(c.code) đã có phiếu trả lời được lưu (\(stored)), qua nhập tệp, trực tuyến hoặc nhập phiếu giấy trước đó; phiếu giấy của trường hợp không cần nhập hay quyết định nữa (the case already has a response)", field: "/code")
        }
        return c
    }

    /// The response a verified form becomes, joined to its case.
    private func verifiedRecord(_ campaign: Campaign, _ c: FieldworkRepository.FieldCase, answers: [String]) async throws -> [ResponseRepository.Record] {
        let record = ResponseRepository.Record(responseId: "PG-\(c.code)", unitId: nil, channel: Channel.paper.rawValue, stratum: nil, psu: nil, weight: nil,
                                               attributes: [ResponseCases.column: c.code], answers: CSVLine.encode(answers))
        return try await ResponseCases(platform).join([record], campaign: campaign)
    }

    private func storeResponse(_ records: [ResponseRepository.Record], campaign: Campaign, caseNumber: Int, user: User, on sql: any SQLDatabase) async throws {
        let audit = AuditLog.Change(userId: user.id, actor: user.username, action: "responses.import", entity: "campaign", entityId: String(campaign.id))
        // The caller seals the case once it is verified (`recordFieldwork`), collection included.
        let outcome = try await platform.store.responses.store([.init(campaignId: campaign.id, records: records, audit: audit)], sealedByCaller: true, on: sql)
        if case .failure = outcome.first {
            throw AppError.conflict("phiếu \(records.first?.responseId ?? "") đã có với nội dung khác (a response with this id exists)", field: "/code")
        }
        try await EntryRepository().setStatus(campaignId: campaign.id, caseNumber: caseNumber, status: Status.verified.rawValue,
                                              responseId: records.first?.responseId, on: sql)
    }

    // MARK: Differences

    public struct Difference: Sendable, Equatable {
        public var item: String
        public var text: String
        public var first: String
        public var second: String
    }

    public struct Pending: Sendable, Equatable {
        public var code: String
        public var keyers: [String]
        public var differences: [Difference]
    }

    /// Forms whose two keyings differ, with the differing fields side by side.
    public func pending(campaign id: Int, by user: User?) async throws -> [Pending] {
        let (_, campaign) = try await administered(id, user)
        return try await pending(campaign, caseNumber: nil)
    }

    /// The differing forms of a campaign, or the one form of `caseNumber`: only their keyings are
    /// read and opened, and only their keyers' names.
    private func pending(_ campaign: Campaign, caseNumber: Int?) async throws -> [Pending] {
        let questionnaire = try await platform.questionnaire(of: campaign)
        let seal = try platform.db.contactSeal()
        let (differing, keyings) = try await platform.read { sql in
            (try await EntryRepository().forms(campaignId: campaign.id, status: Status.differs.rawValue, on: sql),
             try await EntryRepository().keyings(campaignId: campaign.id, caseNumber: caseNumber, on: sql))
        }
        // A form whose case's response came by another channel meanwhile has nothing left to decide.
        let answered = try await platform.read { sql in
            try await FieldworkRepository().responsesOfCases(campaignId: campaign.id, numbers: differing.map(\.caseNumber), on: sql)
        }
        let forms = differing.filter { answered[$0.caseNumber] == nil }
        var names: [Int: String] = [:]
        for keyer in Set(keyings.map(\.keyerId)) {
            names[keyer] = try await platform.read { sql in try await platform.store.users.find(id: keyer, on: sql) }?.username
        }
        let byCase = Dictionary(grouping: keyings, by: \.caseNumber)
        return try forms.compactMap { form in
            guard let pair = byCase[form.caseNumber], pair.count == 2 else { return nil }
            let code = CaseCode(number: form.caseNumber).description
            let a = Self.decode(try seal.open(pair[0].answers, context: Self.context(campaign.id, code, 1)))
            let b = Self.decode(try seal.open(pair[1].answers, context: Self.context(campaign.id, code, 2)))
            let differences = questionnaire.questionnaire.items.filter { (a[$0.code] ?? "") != (b[$0.code] ?? "") }.map {
                Difference(item: $0.code, text: $0.text, first: a[$0.code] ?? "", second: b[$0.code] ?? "")
            }
            return Pending(code: code, keyers: pair.map { names[$0.keyerId] ?? "#\($0.keyerId)" }, differences: differences)
        }
    }

    /// Decides every differing field of a form (`values`: item → the value on paper) and stores the response.
    public func adjudicate(campaign id: Int, code text: String, values: [String: String], by user: User?) async throws {
        let (user, campaign) = try await administered(id, user)
        let c = try await fieldCase(campaign, text)
        guard let pending = try await pending(campaign, caseNumber: c.number).first else {
            throw AppError.conflict("phiếu \(c.code) không chờ quyết định (no differences to decide)", field: "/code")
        }
        let keyers = try await platform.read { sql in try await EntryRepository().keyings(campaignId: campaign.id, caseNumber: c.number, on: sql) }.map(\.keyerId)
        if keyers.contains(user.id) {
            throw AppError.forbidden("bạn đã nhập phiếu \(c.code); người quyết định phải là người khác hai người nhập (the decider keyed this form)")
        }
        for d in pending.differences where values[d.item] == nil {
            throw AppError.invalid("chọn giá trị cho câu \(d.item) (every differing field needs a decision)", field: "/values/\(d.item)")
        }
        let seal = try platform.db.contactSeal()
        let first = try await platform.read { sql in try await EntryRepository().keyings(campaignId: campaign.id, caseNumber: c.number, on: sql) }.first!
        var merged = Self.decode(try seal.open(first.answers, context: Self.context(campaign.id, c.code, 1)))
        for d in pending.differences { merged[d.item] = values[d.item]!.trimmingCharacters(in: .whitespaces) }
        let questionnaire = try await platform.questionnaire(of: campaign)
        let checked = ResponseCheck(schema: questionnaire.schema).check(merged.filter { !$0.value.isEmpty })
        let problems = checked.problems.map { AppError.Item(field: "/values/\($0.item)", message: $0.message) }
            + checked.irrelevant.map { AppError.Item(field: "/values/\($0)", message: AnswerRules.notRelevant($0)) }
        if let firstProblem = problems.first {
            throw AppError(.invalidContent, "quyết định chưa được lưu: \(problems.count) giá trị không hợp lệ", field: firstProblem.field, items: problems, totalItems: problems.count)
        }
        let decided = Self.answerMap(questionnaire.questionnaire.items.map(\.code), checked.answers)
        let records = try await verifiedRecord(campaign, c, answers: checked.answers)
        let decisions = try pending.differences.map { d in
            EntryRepository.Decision(caseNumber: c.number, item: d.item,
                                     value: try seal.seal(Array((decided[d.item] ?? "").utf8), context: Self.context(campaign.id, c.code, 0) + "/" + d.item), decidedBy: user.id)
        }
        try await platform.fieldworkTransaction { sql in
            guard (try await EntryRepository().form(campaignId: campaign.id, caseNumber: c.number, on: sql))?.status == Status.differs.rawValue else {
                throw AppError.conflict("phiếu \(c.code) vừa được quyết định bởi người khác (decided meanwhile)", field: "/code")
            }
            try await EntryRepository().addDecisions(campaignId: campaign.id, decisions, on: sql)
            try await storeResponse(records, campaign: campaign, caseNumber: c.number, user: user, on: sql)
            try await platform.recordFieldwork(user, "entry.adjudicate", campaign: campaign.id, cases: [c.number],
                                      detail: "\(c.code): \(pending.differences.count) câu được quyết định", on: sql)
        }
    }

    private func administered(_ id: Int, _ user: User?) async throws -> (User, Campaign) {
        let user = try platform.require(user, .manageFieldwork)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try await platform.requireCampaignAdmin(user, campaign)
        return (user, campaign)
    }

    // MARK: Answers as kept in a keying

    static func context(_ campaign: Int, _ code: String, _ pass: Int) -> String { "keying/\(campaign)/\(code)/\(pass)" }

    static func answerMap(_ items: [String], _ answers: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for (item, value) in zip(items, answers) where !value.isEmpty { out[item] = value }
        return out
    }

    static func encode(_ answers: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: answers, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ bytes: [UInt8]) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String]) ?? [:]
    }
}
