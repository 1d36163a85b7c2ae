import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore

/// Returned questionnaires: bulk import of the responses CSV (all or nothing, idempotent by
/// `response_id`), single submissions, and individual responses for a campaign's administrators.
public struct Responses: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    public enum Source: Sendable {
        case bytes([UInt8])
        /// A file on disk (an upload streamed there); read as it is parsed.
        case file(String)
    }

    public typealias Summary = ResponseRepository.ImportSummary

    /// Imports a responses CSV into a campaign: every problem listed with its line and column, and
    /// nothing stored unless the whole file is valid.
    public func importCSV(_ source: Source, campaign id: Int, by user: User?, channel: Channel = .paper) async throws -> Summary {
        let user = try platform.require(user, .importResponses)
        let campaign = try await platform.visibleCampaign(id, for: user)
        return try await store(source, campaign: campaign, into: try await target(campaign), user: user, channel: channel)
    }

    public struct Submission: Sendable {
        public var responseId: String
        public var unitId: Int?
        public var channel: String?
        public var stratum: String?
        public var psu: String?
        public var weight: Double?
        /// Item code → value as the responses format writes it (codes of a multiple choice joined by `;`).
        public var answers: [String: String]
        public var attributes: [String: String]

        public init(responseId: String, unitId: Int? = nil, channel: String? = nil, stratum: String? = nil, psu: String? = nil,
                    weight: Double? = nil, answers: [String: String], attributes: [String: String] = [:]) {
            self.responseId = responseId
            self.unitId = unitId
            self.channel = channel
            self.stratum = stratum
            self.psu = psu
            self.weight = weight
            self.answers = answers
            self.attributes = attributes
        }
    }

    public static let responseIdLimit = 120

    /// Stores one response: the same checks as a file of one row, problems named by field.
    public func submit(_ submission: Submission, campaign id: Int, by user: User?) async throws -> (summary: Summary, created: Bool) {
        let user = try platform.require(user, .submitResponses)
        let campaign = try await platform.visibleCampaign(id, for: user)
        guard !submission.responseId.isEmpty, submission.responseId.count <= Self.responseIdLimit else {
            throw AppError.invalid("mã phiếu cần 1–\(Self.responseIdLimit) ký tự (response_id length)", field: "/response_id")
        }
        guard let channel = Channel(rawValue: submission.channel ?? Channel.online.rawValue) else {
            throw AppError.invalid("kênh thu phiếu phải là một trong: \(Channel.allCases.map(\.rawValue).joined(separator: ", ")) (unknown channel)", field: "/channel")
        }
        for key in submission.attributes.keys.sorted() {
            if ResponseRepository.designColumns.contains(key) || key == "province" {
                throw AppError.invalid("\"\(key)\" là cột thiết kế, không phải thuộc tính; gửi nó ở trường riêng (\(key == "unit" ? "unit_id" : key)) (a design column is not an attribute)", field: "/attributes/\(key)")
            }
            if submission.answers[key] != nil || key.isEmpty {
                throw AppError.invalid("thuộc tính \"\(key)\" trùng một câu trả lời hoặc để trống tên (attribute name clashes)", field: "/attributes/\(key)")
            }
        }
        let target = try await target(campaign)
        let checked = ResponseCheck(schema: target.questionnaire.schema).check(submission.answers)
        var problems = checked.problems.map { AppError.Item(field: "/answers/\($0.item)", message: $0.message) }
        var unitId: Int?
        if let id = submission.unitId {
            let scope = try await platform.scope(of: user)
            if let unit = target.measured.first(where: { $0.id == id }), scope?.contains(unit) ?? true {
                unitId = unit.id
            } else {
                problems.append(AppError.Item(field: "/unit_id", message: "đơn vị \(id) không thuộc kỳ đo lường này hoặc ngoài phạm vi của tài khoản (unit not measured in this campaign)"))
            }
        }
        let free = [("/stratum", submission.stratum), ("/psu", submission.psu)] + submission.attributes.sorted { $0.key < $1.key }.map { ("/attributes/\($0.key)", Optional($0.value)) }
        for (field, value) in free {
            if let value, let position = AnswerRules.controlCharacter(in: value, allowingBreaks: false) {
                problems.append(AppError.Item(field: field, message: AnswerRules.controlCharacter(at: position)))
            }
        }
        if let weight = submission.weight, !(weight.isFinite && weight > 0) {
            problems.append(AppError.Item(field: "/weight", message: "trọng số cần một số hữu hạn lớn hơn 0 (weight must be a finite number > 0)"))
        }
        if let first = problems.first {
            throw AppError(.invalidContent, "phiếu bị từ chối, không lưu: \(problems.count) lỗi (the response was refused; nothing was stored)",
                           field: first.field, items: problems, totalItems: problems.count)
        }
        let record = ResponseRepository.Record(
            responseId: submission.responseId, unitId: unitId, channel: channel.rawValue, stratum: submission.stratum, psu: submission.psu,
            weight: submission.weight, attributes: submission.attributes, answers: CSVLine.encode(checked.answers))
        var warnings: [String: Int] = [:]
        for item in checked.irrelevant { warnings[item, default: 0] += 1 }
        let summary = try await store([record], campaign: campaign, questionnaire: target.questionnaire, user: user, warnings: warnings)
        return (summary, summary.added == 1)
    }

    /// What responses to a campaign are checked against: its questionnaire and measured units
    /// (read once per request).
    private struct Target: Sendable {
        let questionnaire: QuestionnaireRepository.Stored
        let measured: [AdminUnit]
    }

    private func target(_ campaign: Campaign) async throws -> Target {
        let store = platform.store
        return try await platform.read { sql in
            Target(questionnaire: try await store.questionnaires.find(id: campaign.questionnaireId, on: sql)!,
                   measured: try await store.campaigns.units(of: campaign.id, on: sql).map(\.unit))
        }
    }

    /// Parses, checks and stores responses in one transaction (all or nothing).
    private func store(_ source: Source, campaign: Campaign, into target: Target, user: User, channel: Channel) async throws -> Summary {
        try Self.requireAcceptsResponses(campaign)
        let (questionnaire, measured) = (target.questionnaire, target.measured)
        let scope = try await platform.scope(of: user)
        let allowed = measured.filter { scope?.contains($0) ?? true }
        let parsed: (records: [ResponseRepository.Record], warnings: RelevanceWarnings)
        do {
            parsed = try await Self.parse(source, questionnaire, units: allowed, channel: channel)
        } catch let failure as ResponsesImportFailed {
            throw AppError(.invalidContent, "tệp bị từ chối, không có phiếu nào được lưu: \(failure.total) lỗi (the file was refused; nothing was stored)",
                           items: failure.problems.map { AppError.Item(line: $0.line, column: $0.column, field: $0.columnName, message: $0.message) },
                           totalItems: failure.total)
        }
        return try await store(parsed.records, campaign: campaign, questionnaire: questionnaire, user: user,
                               warnings: Dictionary(parsed.warnings.counts.map { ($0.item, $0.count) }, uniquingKeysWith: +))
    }

    /// A case names its unit: a response for a case outside the account's units is refused like a
    /// response naming such a unit (the case code must not open a way around the scope).
    func requireInScope(_ records: [ResponseRepository.Record], campaign: Campaign, user: User) async throws {
        guard let scope = try await platform.scope(of: user), records.contains(where: { $0.caseNumber != nil }) else { return }
        var units: [Int: AdminUnit] = [:]
        for id in Set(records.compactMap { $0.caseNumber == nil ? nil : $0.unitId }) { units[id] = try await platform.store.units.find(id: id) }
        let outside = records.filter { r in r.caseNumber != nil && !(r.unitId.flatMap { units[$0] }.map(scope.contains) ?? false) }
        if !outside.isEmpty {
            throw AppError(.invalidContent, "\(outside.count) phiếu thuộc trường hợp của đơn vị ngoài phạm vi tài khoản; không phiếu nào được lưu (cases outside the account's units)",
                           field: "case", items: outside.prefix(20).map { AppError.Item(field: "case", message: "phiếu \($0.responseId): trường hợp \($0.attributes[ResponseCases.column] ?? "") không thuộc đơn vị trong phạm vi") },
                           totalItems: outside.count)
        }
    }

    /// Post-office staff submit questionnaires only for the cases they hold — checked before
    /// anything about a case is said, so that another's case reads exactly like one that does not
    /// exist — and, in a sampled campaign, every questionnaire they submit names its case.
    func requireOwnCases(_ records: [ResponseRepository.Record], campaign: Campaign, user: User) async throws {
        guard user.role == .enumerator || user.role == .fieldSupervisor else { return }
        let draws = try await platform.read { sql in try await SamplingRepository().draws(campaignId: campaign.id, on: sql) }
        guard draws.contains(where: \.isFinal) else { return }
        let scope = try await platform.fieldworkScope(campaign.id, user, .recordDispositions)
        let codes = records.compactMap { $0.attributes[ResponseCases.column].flatMap(CaseCode.init)?.description }
        let cases = try await ResponseCases(platform).cases(campaign, codes: codes)
        var problems: [AppError.Item] = []
        for record in records {
            guard let text = record.attributes[ResponseCases.column], !text.isEmpty else {
                problems.append(.init(field: "case", message: "phiếu \(record.responseId): ghi mã phiếu (cột case) của trường hợp được giao; điều tra viên chỉ gửi phiếu của các trường hợp được giao (a questionnaire names its case)"))
                continue
            }
            // A wrong check digit is the join's to say; a case not held is no case at all.
            guard let code = CaseCode(text) else { continue }
            if !(cases[code.description].map(scope.reaches) ?? false) {
                problems.append(.init(field: "case", message: "phiếu \(record.responseId): \(FieldworkScope.unknownCase(code.description))"))
            }
        }
        if !problems.isEmpty {
            throw AppError(.invalidContent, "\(problems.count) phiếu không thuộc các trường hợp được giao cho bạn; không phiếu nào được lưu (questionnaires outside your cases)",
                           field: "case", items: problems, totalItems: problems.count)
        }
    }

    static func requireAcceptsResponses(_ campaign: Campaign) throws {
        guard campaign.status.acceptsResponses else {
            throw AppError.conflict("kỳ đo lường đang ở trạng thái \"\(campaign.status.label)\"; chỉ nhận phiếu khi điều tra thực địa hoặc nhập liệu (responses are accepted during fieldwork and entry only)")
        }
    }

    /// Stores checked responses in one transaction (all or nothing), joined to their cases.
    func store(_ checked: [ResponseRepository.Record], campaign: Campaign, questionnaire: QuestionnaireRepository.Stored, user: User,
               warnings: [String: Int]) async throws -> Summary {
        try Self.requireAcceptsResponses(campaign)
        try await requireOwnCases(checked, campaign: campaign, user: user)
        let records = try await ResponseCases(platform).join(checked, campaign: campaign)
        try await requireInScope(records, campaign: campaign, user: user)
        let audit = AuditLog.Change(userId: user.id, actor: user.username, action: "responses.import", entity: "campaign",
                                    entityId: String(campaign.id))
        let stored: ResponseRepository.Stored
        do {
            stored = try await platform.responseWriter.store(
                ResponseRepository.Submission(campaignId: campaign.id, records: records, audit: audit))
        } catch let error where Self.isUniqueViolation(error) && String(reflecting: error).contains("case_number") || String(reflecting: error).contains("responses_case") {
            // The database keeps one response per case, whatever raced past the check above.
            throw AppError.conflict("một trường hợp trong yêu cầu này vừa có phiếu được lưu bởi yêu cầu khác; mỗi trường hợp một phiếu, không phiếu nào được lưu (one response per case)", field: "case")
        } catch let error where Self.isUniqueViolation(error) {
            // Two submissions of one response id raced past the existence check: the database's
            // unique key kept one; the other is a conflict, not a failure.
            throw AppError.conflict("mã phiếu đã được gửi đồng thời bởi một yêu cầu khác; không phiếu nào trong yêu cầu này được lưu (a response id was submitted concurrently)")
        } catch let conflict as ResponseRepository.Conflict {
            throw AppError(.conflict, "\(conflict.responseIds.count) mã phiếu đã có với nội dung khác; không phiếu nào được lưu (response ids already stored with other content)",
                           items: conflict.responseIds.map { AppError.Item(field: "response_id", message: $0) })
        } catch {
            throw AppError.from(error)
        }
        if stored.added >= 10_000 {
            // A large import: read it into the index's compact responses (and their stored
            // snapshot) now rather than in the first index request after it.
            let schema = questionnaire.schema, db = platform.db
            Task.detached(priority: .background) { _ = try? await db.compactResponses.rows(campaignId: campaign.id, schema: schema, db: db) }
        }
        return Summary(rows: records.count, added: stored.added, unchanged: stored.unchanged, warnings: warnings)
    }

    private static func parse(_ source: Source, _ questionnaire: QuestionnaireRepository.Stored, units: [AdminUnit], channel: Channel)
        async throws -> (records: [ResponseRepository.Record], warnings: RelevanceWarnings) {
        let work = { @Sendable () throws -> (records: [ResponseRepository.Record], warnings: RelevanceWarnings) in
            switch source {
            case let .bytes(bytes):
                return try ResponseRepository.parse(csv: bytes, questionnaire: questionnaire.questionnaire, schema: questionnaire.schema,
                                                    units: units, defaultChannel: channel.rawValue)
            case let .file(path):
                return try ResponseRepository.parse(file: path, questionnaire: questionnaire.questionnaire, schema: questionnaire.schema,
                                                    units: units, defaultChannel: channel.rawValue)
            }
        }
        // A single submission is parsed in place: the hop would cost more than the work.
        if case let .bytes(bytes) = source, bytes.count < 64 << 10 { return try work() }
        return try await Offload.run(work)
    }

    /// A unique-key violation, as SQLite or PostgreSQL reports it.
    static func isUniqueViolation(_ error: any Error) -> Bool {
        let text = String(reflecting: error)
        return text.contains("constraintUniqueFailed") || text.contains("UNIQUE constraint") || text.contains("sqlState: 23505")
    }

    /// Individual responses: a campaign's administrators only.
    public func list(campaign id: Int, by user: User?, limit: Int, offset: Int) async throws -> [ResponseRepository.StoredResponse] {
        let user = try platform.require(user, .readResponses)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try await platform.requireCampaignAdmin(user, campaign)
        let store = platform.store
        return try await platform.read { sql in
            guard let q = try await store.questionnaires.find(id: campaign.questionnaireId, on: sql) else { return [] }
            return try await store.responses.list(campaignId: campaign.id, itemCodes: q.questionnaire.items.map(\.code),
                                                  limit: limit, offset: offset, on: sql)
        }
    }
}
