import Crypto
import Foundation
import SIPASCore
import SIPASFormats
import SQLKit

/// Returned questionnaires stored per campaign: bulk import of the responses CSV (all-or-nothing,
/// idempotent by `response_id`), single submissions, and the index of a campaign, computed by
/// reading the stored responses back through the same reader and engine as a file.
public struct ResponseRepository: Sendable {
    let db: Database

    public init(_ db: Database) { self.db = db }

    /// A response ready to store.
    public struct Record: Sendable, Equatable {
        public var responseId: String
        public var unitId: Int?
        public var channel: String
        public var stratum: String?
        public var psu: String?
        public var weight: Double?
        /// Other attributes (column → value), sorted by column.
        public var attributes: [String: String]
        /// One CSV record of the item values, in questionnaire item order.
        public var answers: String
        /// The sampled case it answers (its number), when it names one: one response per case.
        public var caseNumber: Int?

        public init(responseId: String, unitId: Int?, channel: String, stratum: String?, psu: String?, weight: Double?,
                    attributes: [String: String], answers: String, caseNumber: Int? = nil) {
            self.caseNumber = caseNumber
            self.responseId = responseId
            self.unitId = unitId
            self.channel = channel
            self.stratum = stratum
            self.psu = psu
            self.weight = weight
            self.attributes = attributes
            self.answers = answers
        }

        public var digest: String {
            let weightText = weight.map(DecimalText.plain) ?? ""
            let attributeText = attributes.keys.sorted().map { "\($0)=\(attributes[$0]!)" }.joined(separator: "\u{1F}")
            let fields = [responseId, unitId.map(String.init) ?? "", channel, stratum ?? "\u{0}", psu ?? "\u{0}", weightText, attributeText, answers]
            return SHA256Hex.of(fields.map { "\($0.utf8.count):\($0)" }.joined())
        }
    }

    public struct ImportSummary: Sendable, Codable, Equatable {
        public var rows: Int
        public var added: Int
        public var unchanged: Int
        public var warnings: [String: Int]

        public init(rows: Int, added: Int, unchanged: Int, warnings: [String: Int]) {
            self.rows = rows
            self.added = added
            self.unchanged = unchanged
            self.warnings = warnings
        }
    }

    /// Responses whose id is already stored with different content: the import is refused.
    public struct Conflict: Error, Sendable {
        public var responseIds: [String]
    }

    public static let designColumns: Set<String> = ["response_id", "unit", "channel", "stratum", "psu", "weight"]

    /// Parses and checks a responses CSV against the campaign's questionnaire and measured units.
    /// Throws `ResponsesImportFailed` with every problem; nothing is stored by this step.
    public static func parse(csv bytes: [UInt8], questionnaire: Questionnaire, schema: ResponsesSchema? = nil, units: [AdminUnit],
                             defaultChannel: String) throws -> (records: [Record], warnings: RelevanceWarnings) {
        var offset = 0
        return try parse(size: bytes.count, questionnaire: questionnaire, schema: schema, units: units, defaultChannel: defaultChannel) { pointer, count in
            let n = min(count, bytes.count - offset)
            bytes.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress! + offset, count: n) }
            offset += n
            return n
        }
    }

    /// The same, reading a file as it goes (an upload streamed to disk).
    public static func parse(file path: String, questionnaire: Questionnaire, schema: ResponsesSchema? = nil, units: [AdminUnit],
                             defaultChannel: String) throws -> (records: [Record], warnings: RelevanceWarnings) {
        guard let source = FileByteSource(path: path) else { throw CocoaError(.fileNoSuchFile) }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return try parse(size: size, questionnaire: questionnaire, schema: schema, units: units, defaultChannel: defaultChannel) {
            source.read(into: $0, count: $1)
        }
    }

    private static func parse(size: Int, questionnaire: Questionnaire, schema: ResponsesSchema?, units: [AdminUnit], defaultChannel: String,
                              read: @escaping (UnsafeMutablePointer<UInt8>, Int) -> Int) throws -> (records: [Record], warnings: RelevanceWarnings) {
        // A buffer the size of the input for small ones (single submissions arrive as one row).
        let bufferSize = min(1 << 22, max(4096, size + 64))
        let reader = ResponsesCSVReader(questionnaire: questionnaire, schema: schema, bufferSize: bufferSize,
                                        expectedRows: size / 64, read: read)
        reader.deliversRowsAfterProblems = true
        guard reader.readHeader() else { throw reader.failure! }
        let items = questionnaire.items
        let itemColumn = items.map { reader.column(named: $0.code) }
        let unitColumn = reader.column(named: "unit"), channelColumn = reader.column(named: "channel")
        let stratumColumn = reader.column(named: "stratum"), psuColumn = reader.column(named: "psu")
        let attributeColumns = reader.header.enumerated().filter { !designColumns.contains($0.element) && questionnaire.item($0.element) == nil }
        var unitByKey: [String: AdminUnit] = [:]
        for u in units { unitByKey[u.code] = u }
        for u in units where unitByKey[u.name] == nil { unitByKey[u.name] = u }
        var records: [Record] = []
        reader.readRows { row in
            var unitId: Int?
            if let unitColumn {
                let key = row.string(column: unitColumn)
                if !key.isEmpty {
                    if let unit = unitByKey[key] ?? unitByKey[key.precomposedStringWithCanonicalMapping] {
                        unitId = unit.id
                    } else {
                        row.reportProblem(column: unitColumn + 1, message: "đơn vị \"\(key)\" không thuộc kỳ đo lường này; ghi mã hoặc tên đơn vị đúng như danh sách đơn vị được đo (unit not measured in this campaign)")
                    }
                }
            }
            var answers: [String] = []
            let values = row.currentValues
            for (i, item) in items.enumerated() {
                guard let column = itemColumn[i] else { answers.append(""); continue }
                if values[i].isNaN { answers.append(""); continue }
                switch item.type {
                case .single, .likert: answers.append(String(Int(values[i])))
                case .multi:
                    var seen: [String] = []
                    for part in row.string(column: column).split(separator: ";") {
                        let code = String(Int(part.trimmingCharacters(in: .whitespaces)) ?? 0)
                        if !seen.contains(code) { seen.append(code) }
                    }
                    answers.append(seen.joined(separator: ";"))
                case .number: answers.append(DecimalText.plain(values[i]))
                case .date, .text:
                    let text = row.string(column: column)
                    if let position = AnswerRules.controlCharacter(in: text, allowingBreaks: item.type == .text) {
                        row.reportProblem(column: column + 1, message: AnswerRules.controlCharacterInAnswer(at: position))
                    }
                    answers.append(text)
                }
            }
            let channel = channelColumn.map { row.string(column: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? defaultChannel
            for offset in attributeColumns.map(\.offset) + [unitColumn, channelColumn, stratumColumn, psuColumn].compactMap({ $0 }) {
                if let position = AnswerRules.controlCharacter(in: row.string(column: offset), allowingBreaks: false) {
                    row.reportProblem(column: offset + 1, message: AnswerRules.controlCharacter(at: position))
                }
            }
            records.append(Record(
                responseId: row.string(column: reader.column(named: "response_id")!), unitId: unitId, channel: channel,
                stratum: stratumColumn.map { row.string(column: $0) }, psu: psuColumn.map { row.string(column: $0) },
                weight: reader.hasWeight ? row.currentWeight : nil,
                attributes: Dictionary(uniqueKeysWithValues: attributeColumns.map { ($0.element, row.string(column: $0.offset)) }),
                answers: CSVLine.encode(answers)))
        }
        if let failure = reader.failure { throw failure }
        return (records, reader.relevanceWarnings)
    }

    /// One import or single submission: its records, and the audit entry that records it when
    /// it adds anything (its detail is filled in with the counts).
    public struct Submission: Sendable {
        public var campaignId: Int
        public var records: [Record]
        public var audit: AuditLog.Change?

        public init(campaignId: Int, records: [Record], audit: AuditLog.Change?) {
            self.campaignId = campaignId
            self.records = records
            self.audit = audit
        }
    }

    public typealias Stored = (added: Int, unchanged: Int)

    /// Stores submissions in the caller's transaction, in order, each all or nothing: identical
    /// re-imports change nothing, a response id already stored with other content refuses its
    /// submission, and a later submission sees an earlier one's responses as stored. One read of existing ids per
    /// campaign, one insert per 200 responses, one audit append for the lot.
    /// `sealedByCaller`: the caller seals the fieldwork of the cases it stores responses for in
    /// this transaction itself (a keyed form), so their collection is not sealed twice.
    public func store(_ submissions: [Submission], sealedByCaller: Bool = false, on sql: any SQLDatabase) async throws -> [Result<Stored, Conflict>] {
        if db.engine == .postgres {
            // Response writers take turns (the audit chain's lock, held to commit), so that ids
            // become visible in increasing order even with several servers: readers that resume
            // after the last id they saw (the index's compact responses) then miss nothing.
            try await sql.raw("SELECT pg_advisory_xact_lock(4242)").run()
        }
        var existing: [Int: [String: String]] = [:]
        for campaignId in Set(submissions.map(\.campaignId)) {
            let ids = submissions.filter { $0.campaignId == campaignId }.flatMap { $0.records.map(\.responseId) }
            existing[campaignId] = try await storedDigests(campaignId: campaignId, ids: ids.count <= 500 ? ids : nil, on: sql)
        }
        var outcomes: [Result<Stored, Conflict>] = []
        var fresh: [(campaignId: Int, record: Record, digest: String, change: Int?)] = []
        var changes: [AuditLog.Change] = []
        var answered: [(campaignId: Int, number: Int, actor: AuditLog.Change?)] = []
        for submission in submissions {
            var conflicts: [String] = [], added: [(Int, Record, String)] = []
            var known = existing[submission.campaignId]!
            for record in submission.records {
                let digest = record.digest
                if let stored = known[record.responseId] {
                    if stored != digest { conflicts.append(record.responseId) }
                } else {
                    added.append((submission.campaignId, record, digest))
                    known[record.responseId] = digest
                }
            }
            if !conflicts.isEmpty {
                outcomes.append(.failure(Conflict(responseIds: conflicts)))
                continue
            }
            existing[submission.campaignId] = known
            let unchanged = submission.records.count - added.count
            outcomes.append(.success((added.count, unchanged)))
            var change: Int?
            if !added.isEmpty, var audit = submission.audit {
                // The entry vouches for exactly what was stored: verification recomputes it.
                var set = AuditLog.StoredSetDigest()
                for (_, record, digest) in added { set.add(responseId: record.responseId, digest: digest) }
                audit.afterDigest = set.finish()
                audit.detail = "\(added.count) added, \(unchanged) unchanged"
                change = changes.count
                changes.append(audit)
            }
            fresh += added.map { ($0.0, $0.1, $0.2, change) }
            answered += added.compactMap { a in a.1.caseNumber.map { (a.0, $0, submission.audit) } }
        }
        let auditIds = try await AuditLog.append(changes, on: sql, db: db)
        try await insert(fresh.map { ($0.campaignId, $0.record, $0.digest, $0.change.map { auditIds[$0] }) }, on: sql)
        try await markCollected(answered, sealing: !sealedByCaller, on: sql)
        return outcomes
    }

    /// A stored response is its case's questionnaire back: the case is collected, with an event
    /// saying so — and, when the enumerator had recorded a non-response, saying that too, for the
    /// administrator to look at — in the response's transaction, sealed with the fieldwork.
    private func markCollected(_ answered: [(campaignId: Int, number: Int, actor: AuditLog.Change?)], sealing: Bool = true, on sql: any SQLDatabase) async throws {
        let today = FieldworkRepository.today()
        for campaignId in Set(answered.map(\.campaignId)).sorted() {
            let mine = answered.filter { $0.campaignId == campaignId }
            var status: [Int: String] = [:]
            try await FieldworkRepository.inChunks(mine.map { CaseCode(number: $0.number).description },
                                                   "SELECT number, status FROM cases WHERE campaign_id = \(bind: campaignId) AND code IN (", on: sql) { row in
                status[try row.decode(column: "number", as: Int.self)] = try row.decode(column: "status", as: String.self)
            }
            let changing = mine.filter { status[$0.number].map(Self.collectable) ?? false }
            guard !changing.isEmpty else { continue }
            try await FieldworkRepository.inChunks(changing.map { CaseCode(number: $0.number).description },
                                                   "UPDATE cases SET status = 'collected', disposition_on = \(bind: today) WHERE campaign_id = \(bind: campaignId) AND code IN (", on: sql)
            try await FieldworkRepository().addEvents(changing.flatMap { a -> [FieldworkRepository.Event] in
                let before = status[a.number] ?? ""
                guard Disposition(rawValue: before)?.isNonResponse ?? false else {
                    return [.init(caseNumber: a.number, kind: "disposition", value: "collected", occurredOn: today, reason: "phiếu đã được lưu (a response was stored)", userId: a.actor?.userId)]
                }
                // Only the application writes a `check` event: what the administrators are asked to look at is never a note someone typed.
                return [.init(caseNumber: a.number, kind: "disposition", value: "collected", occurredOn: today, reason: Self.collectedAfter(before), userId: a.actor?.userId),
                        .init(caseNumber: a.number, kind: FieldworkRepository.checkEvent, value: before, occurredOn: today, reason: nil, userId: a.actor?.userId)]
            }, campaignId: campaignId, on: sql)
            guard sealing else { continue }
            let actor = changing.first?.actor
            try await FieldworkSeal(db).record(campaignId: campaignId, cases: changing.map(\.number), change: AuditLog.Change(
                userId: actor?.userId, actor: actor?.actor ?? "system", action: "fieldwork.collect", entity: FieldworkSeal.entity,
                entityId: String(campaignId), beforeDigest: nil, afterDigest: nil, detail: "\(changing.count) trường hợp có phiếu trả lời (cases collected)"), on: sql)
        }
    }

    /// Whether a case may become collected when its response arrives: not yet given, not yet
    /// settled, or recorded as a non-response (the form is proof; the case is listed to check).
    static func collectable(_ status: String) -> Bool {
        guard let disposition = Disposition(rawValue: status) else { return status == "drawn" }
        return !disposition.isSettled || disposition.isNonResponse
    }

    /// The event's reason when a response arrives for a case recorded as a non-response.
    public static func collectedAfter(_ status: String) -> String {
        "phiếu đã được lưu dù điều tra viên đã ghi \"\(Disposition(rawValue: status)?.label ?? status)\"; cần kiểm tra (a response arrived for a case recorded as \(status))"
    }

    /// Gives responses stored before their case was a column (it was only their `case` attribute)
    /// their case: the first response of each case, in storage order, and the case collected.
    public func joinCases(on sql: any SQLDatabase) async throws {
        // A coarse filter (attributes are a CSV line of names and values); the exact one is below.
        let rows = try await sql.raw("SELECT id, campaign_id, attributes FROM responses WHERE case_number IS NULL AND attributes LIKE \(bind: "%\(Self.caseAttribute)%") ORDER BY id").all()
        var taken: [Int: Set<Int>] = [:]
        var joined: [(campaignId: Int, number: Int, actor: AuditLog.Change?)] = []
        for row in rows {
            let campaignId = try row.decode(column: "campaign_id", as: Int.self)
            guard let text = CSVLine.decodeAttributes(try row.decode(column: "attributes", as: String.self))[Self.caseAttribute],
                  let code = CaseCode(text) else { continue }
            if taken[campaignId] == nil {
                taken[campaignId] = Set(try await sql.raw("SELECT case_number FROM responses WHERE campaign_id = \(bind: campaignId) AND case_number IS NOT NULL").all()
                    .map { try $0.decode(column: "case_number", as: Int.self) })
            }
            guard !taken[campaignId]!.contains(code.number),
                  try await sql.raw("SELECT 1 AS x FROM cases WHERE campaign_id = \(bind: campaignId) AND code = \(bind: code.description)").first() != nil else { continue }
            try await sql.raw("UPDATE responses SET case_number = \(bind: code.number) WHERE id = \(bind: try row.decode(column: "id", as: Int.self))").run()
            taken[campaignId]!.insert(code.number)
            joined.append((campaignId, code.number, nil))
        }
        try await markCollected(joined, on: sql)
    }

    /// The attribute a response names its case by (the code printed on the questionnaire).
    public static let caseAttribute = "case"

    /// Digests of stored responses by id: of `ids` only (a few submissions) or of the whole campaign.
    private func storedDigests(campaignId: Int, ids: [String]?, on sql: any SQLDatabase) async throws -> [String: String] {
        var query = SQLQueryString("SELECT response_id, digest FROM responses WHERE campaign_id = \(bind: campaignId)")
        if let ids {
            query.appendInterpolation(unsafeRaw: " AND response_id IN (")
            for (i, id) in ids.enumerated() {
                if i > 0 { query.appendInterpolation(unsafeRaw: ", ") }
                query.appendInterpolation(bind: id)
            }
            query.appendInterpolation(unsafeRaw: ids.isEmpty ? "NULL)" : ")")
        }
        var digests: [String: String] = [:]
        for row in try await sql.raw(query).all() {
            digests[try row.decode(column: "response_id", as: String.self)] = try row.decode(column: "digest", as: String.self)
        }
        return digests
    }

    private func insert(_ rows: [(campaignId: Int, record: Record, digest: String, auditId: Int?)], on sql: any SQLDatabase) async throws {
        let now = Timestamp.now()
        for chunk in stride(from: 0, to: rows.count, by: 200) {
            var query = SQLQueryString("INSERT INTO responses (campaign_id, response_id, unit_id, channel, stratum, psu, weight, attributes, answers, digest, created_at, audit_id, case_number) VALUES ")
            for (i, (campaignId, r, digest, auditId)) in rows[chunk..<min(chunk + 200, rows.count)].enumerated() {
                query.appendInterpolation(unsafeRaw: i == 0 ? "(" : ", (")
                query.appendInterpolation(bind: campaignId)
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: r.responseId)
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: r.unitId)
                for text in [r.channel, r.stratum, r.psu] {
                    query.appendInterpolation(unsafeRaw: ", ")
                    query.appendInterpolation(bind: text)
                }
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: r.weight)
                for text in [CSVLine.encodeAttributes(r.attributes), r.answers, digest, now] {
                    query.appendInterpolation(unsafeRaw: ", ")
                    query.appendInterpolation(bind: text)
                }
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: auditId)
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: r.caseNumber)
                query.appendInterpolation(unsafeRaw: ")")
            }
            try await sql.raw(query).run()
        }
    }

    /// A stored response as its campaign's administrators read it.
    public struct StoredResponse: Sendable, Encodable {
        public var responseId: String
        public var unitId: Int?
        public var channel: String
        public var stratum: String?
        public var psu: String?
        public var weight: Double?
        /// The sampled case it answers (its code), if any: its final weight and whether the
        /// re-check holds it out depend on the case (sampling-method §8, §10).
        public var caseCode: String?
        public var answers: [String: String]
    }

    public func list(campaignId: Int, itemCodes: [String], limit: Int, offset: Int, on sql: any SQLDatabase) async throws -> [StoredResponse] {
        try await sql.raw("""
            SELECT response_id, unit_id, channel, stratum, psu, weight, case_number, answers FROM responses
            WHERE campaign_id = \(bind: campaignId) ORDER BY id LIMIT \(bind: limit) OFFSET \(bind: offset)
            """).all().map { row in
            let values = CSVLine.decode(try row.decode(column: "answers", as: String.self))
            var answers: [String: String] = [:]
            for (code, value) in zip(itemCodes, values) where !value.isEmpty { answers[code] = value }
            return StoredResponse(responseId: try row.decode(column: "response_id", as: String.self),
                                  unitId: try row.decode(column: "unit_id", as: Int?.self),
                                  channel: try row.decode(column: "channel", as: String.self),
                                  stratum: try row.decode(column: "stratum", as: String?.self),
                                  psu: try row.decode(column: "psu", as: String?.self),
                                  weight: try row.decode(column: "weight", as: Double?.self),
                                  caseCode: try row.decode(column: "case_number", as: Int?.self).map { CaseCode(number: $0).description }, answers: answers)
        }
    }

    public func count(campaignId: Int, on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM responses WHERE campaign_id = \(bind: campaignId)").first()!.decode(column: "n", as: Int.self)
    }

    /// Responses received, counted by unit, channel and day (UTC date of storage).
    public struct Received: Sendable, Equatable {
        public var unitId: Int?
        public var channel: String
        public var day: String
        public var count: Int
    }

    /// Counts of the responses stored after storage id `afterId`, and the last id counted:
    /// responses are never edited or removed, so counts kept from earlier calls stay right.
    public func received(campaignId: Int, after afterId: Int, on sql: any SQLDatabase) async throws -> (counts: [Received], lastId: Int) {
        let last = try await sql.raw("SELECT MAX(id) AS m FROM responses WHERE campaign_id = \(bind: campaignId)").first()?
            .decode(column: "m", as: Int?.self) ?? nil
        guard let last, last > afterId else { return ([], afterId) }
        let counts = try await sql.raw("""
            SELECT unit_id, channel, substr(created_at, 1, 10) AS day, COUNT(*) AS n FROM responses
            WHERE campaign_id = \(bind: campaignId) AND id > \(bind: afterId) AND id <= \(bind: last)
            GROUP BY unit_id, channel, substr(created_at, 1, 10)
            """).all().map { row in
            Received(unitId: try row.decode(column: "unit_id", as: Int?.self), channel: try row.decode(column: "channel", as: String.self),
                     day: try row.decode(column: "day", as: String.self), count: try row.decode(column: "n", as: Int.self))
        }
        return (counts, last)
    }

    /// The stored responses of a campaign as a responses CSV (header and rows in storage order),
    /// with `unit` and `province` as unit codes. With `within`, only the responses of units inside
    /// that unit's subtree. Rows stream from the driver: no per-row decoding machinery.
    public func exportCSV(campaignId: Int, questionnaire: Questionnaire, within: UnitScope? = nil, on sql: any SQLDatabase) async throws -> [UInt8] {
        // Units of the campaign's responses, with their province's code.
        var unitCode: [Int: (code: String, province: String)] = [:]
        var provinceCode: [Int: String] = [:]
        for row in try await sql.raw("SELECT id, code FROM units WHERE level = 'province'").all() {
            provinceCode[try row.decode(column: "id", as: Int.self)] = try row.decode(column: "code", as: String.self)
        }
        var allowed: Set<Int>? = nil
        for row in try await sql.raw("""
            SELECT id, code, path FROM units WHERE id IN (SELECT DISTINCT unit_id FROM responses WHERE campaign_id = \(bind: campaignId))
            """).all() {
            let id = try row.decode(column: "id", as: Int.self), path = try row.decode(column: "path", as: String.self)
            let province = path.split(separator: "/").first.flatMap { Int($0) }.flatMap { provinceCode[$0] } ?? ""
            unitCode[id] = (try row.decode(column: "code", as: String.self), province)
            if let within {
                if allowed == nil { allowed = [] }
                if within.roots.contains(where: { path.hasPrefix($0.path) }) { allowed!.insert(id) }
            }
        }
        if within != nil && allowed == nil { allowed = [] }
        let rows = ExportedRows()
        try await db.forEachRawRow(
            "SELECT response_id, unit_id, channel, stratum, psu, weight, attributes, answers FROM responses WHERE campaign_id = ?1 ORDER BY id",
            [.integer(campaignId)]) { row in rows.add(row) }
        let keep: (Int) -> Bool = { i in
            guard let allowed else { return true }
            return rows.unit[i].map { allowed.contains($0) } ?? false
        }
        let kept = (0..<rows.count).filter(keep)
        let hasStratum = kept.contains { rows.stratum[$0] != nil }, hasPsu = kept.contains { rows.psu[$0] != nil }
        let hasWeight = !kept.isEmpty && kept.allSatisfy { rows.weight[$0] != nil }
        var attributeKeys = Set<String>()
        for i in kept where !rows.attributes[i].isEmpty { attributeKeys.formUnion(CSVLine.decodeAttributes(rows.attributes[i]).keys) }
        let keys = attributeKeys.subtracting(["province"]).sorted()
        var header = ["response_id", "unit", "province", "channel"]
        if hasStratum { header.append("stratum") }
        if hasPsu { header.append("psu") }
        if hasWeight { header.append("weight") }
        header += keys + questionnaire.items.map(\.code)
        var out: [UInt8] = []
        out.reserveCapacity(rows.bytes + kept.count * 48)
        out += Array((CSVLine.encode(header) + "\n").utf8)
        for i in kept {
            let unit = rows.unit[i].flatMap { unitCode[$0] }
            CSVLine.append(rows.responseId[i], to: &out); out.append(44)
            CSVLine.append(unit?.code ?? "", to: &out); out.append(44)
            CSVLine.append(unit?.province ?? "", to: &out); out.append(44)
            CSVLine.append(rows.channel[i], to: &out)
            if hasStratum { out.append(44); CSVLine.append(rows.stratum[i] ?? "", to: &out) }
            if hasPsu { out.append(44); CSVLine.append(rows.psu[i] ?? "", to: &out) }
            if hasWeight { out.append(44); out += Array(DecimalText.plain(rows.weight[i]!).utf8) }
            if !keys.isEmpty {
                let attributes = rows.attributes[i].isEmpty ? [:] : CSVLine.decodeAttributes(rows.attributes[i])
                for key in keys { out.append(44); CSVLine.append(attributes[key] ?? "", to: &out) }
            }
            out.append(44)
            out += rows.answers[i].utf8
            out.append(10)
        }
        return out
    }
}

/// Columns of exported rows, filled by the driver's row callback (one thread at a time).
private final class ExportedRows: @unchecked Sendable {
    var responseId: [String] = [], unit: [Int?] = [], channel: [String] = [], stratum: [String?] = []
    var psu: [String?] = [], weight: [Double?] = [], attributes: [String] = [], answers: [String] = []
    var bytes = 0
    var count: Int { responseId.count }

    func add(_ row: [RawValue]) {
        responseId.append(row[0].string ?? "")
        if case let .integer(u) = row[1] { unit.append(u) } else { unit.append(nil) }
        channel.append(row[2].string ?? "")
        stratum.append(row[3].string)
        psu.append(row[4].string)
        weight.append(row[5].double)
        attributes.append(row[6].string ?? "")
        let a = row[7].string ?? ""
        bytes += a.utf8.count
        answers.append(a)
    }
}

