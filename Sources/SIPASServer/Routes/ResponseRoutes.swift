import Foundation
import Hummingbird
import SIPASCore
import SIPASFormats
import SIPASStore
import SQLKit

struct StoredResponseView: Encodable {
    let responseId: String
    let unitId: Int?
    let channel: String
    let stratum: String?
    let psu: String?
    let weight: Double?
    let answers: [String: String]
}

func registerResponseRoutes(_ api: APIRoutes, _ services: Services) {
    api.add(.post, "/api/v1/campaigns/{id}/responses/import", "Nhập hàng loạt tệp CSV phiếu trả lời: tất cả hoặc không, nhập lại giống hệt không đổi gì",
            tag: "responses", action: .importResponses, body: "text/csv", responses: [200], returns: .ref("ImportSummary")) { request, context in
        let user = try context.require(.importResponses)
        let campaign = try await services.campaign(try campaignId(context), for: user)
        let bytes = Array(try await request.body.collect(upTo: 512 << 20).readableBytesView)
        let summary = try await importResponses(bytes, campaign: campaign, user: user, channel: "paper", services: services)
        return try JSONOutput.response(summary)
    }

    api.add(.post, "/api/v1/campaigns/{id}/responses", "Gửi một phiếu trả lời (submit one response)", tag: "responses",
            action: .submitResponses, request: APISchemas.submission, responses: [201, 200],
            returns: .ref("ImportSummary")) { request, context in
        let user = try context.require(.submitResponses)
        let campaign = try await services.campaign(try campaignId(context), for: user)
        let body = try await JSONBody.read(request, schema: APISchemas.submission)
        let responseId = try body.string("response_id", maxLength: 120)!
        let unitId = try body.integer("unit_id", required: false)
        let channel = try body.string("channel", required: false, maxLength: 40) ?? "online"
        let answers = try body.scalars("answers")
        let attributes = try body.scalars("attributes", required: false)
        var header = ["response_id", "channel"], row = [responseId, channel]
        if let unitId {
            guard let unit = try await services.units.find(id: unitId) else { throw Problem.badRequest("không có đơn vị \(unitId)", field: "/unit_id") }
            header.append("unit"); row.append(unit.code)
        }
        for key in ["stratum", "psu"] { if let v = try body.string(key, required: false) { header.append(key); row.append(v) } }
        if let w = try body.number("weight", required: false) { header.append("weight"); row.append(DecimalText.plain(w)) }
        for (k, v) in attributes.sorted(by: { $0.key < $1.key }) where !ResponseRepository.designColumns.contains(k) { header.append(k); row.append(v) }
        for (k, v) in answers.sorted(by: { $0.key < $1.key }) { header.append(k); row.append(v) }
        let csv = Array((CSVLine.encode(header) + "\n" + CSVLine.encode(row) + "\n").utf8)
        do {
            let summary = try await importResponses(csv, campaign: campaign, user: user, channel: channel, services: services)
            return try JSONOutput.response(summary, status: summary.added == 1 ? .created : .ok)
        } catch var problem as Problem {
            // Columns of the one-row file are fields of the JSON body.
            problem.errors = problem.errors?.map { item in
                var item = item
                if let column = item.column, column - 1 < header.count {
                    let name = header[column - 1]
                    item.field = answers[name] != nil ? "/answers/\(name)" : "/\(name == "unit" ? "unit_id" : name)"
                }
                item.line = nil
                item.column = nil
                return item
            }
            throw problem
        }
    }

    api.add(.get, "/api/v1/campaigns/{id}/responses", "Phiếu trả lời từng người: chỉ người quản trị kỳ đo lường (individual responses)",
            tag: "responses", action: .readResponses,
            query: QueryParameter.paging, returns: APISchemas.page(of: "StoredResponse")) { request, context in
        let user = try context.require(.readResponses)
        let campaign = try await services.campaign(try campaignId(context), for: user)
        try await services.requireCampaignAdmin(user, campaign)
        let page = try Page(request)
        let stored = try await services.db.read { sql -> ([StoredResponseView]) in
            guard let q = try await services.questionnaires.find(id: campaign.questionnaireId, on: sql) else { return [] }
            let codes = q.questionnaire.items.map(\.code)
            return try await sql.raw("""
                SELECT response_id, unit_id, channel, stratum, psu, weight, answers FROM responses
                WHERE campaign_id = \(bind: campaign.id) ORDER BY id LIMIT \(bind: page.limit) OFFSET \(bind: page.offset)
                """).all().map { row in
                let values = CSVLine.decode(try row.decode(column: "answers", as: String.self))
                var answers: [String: String] = [:]
                for (code, value) in zip(codes, values) where !value.isEmpty { answers[code] = value }
                return StoredResponseView(responseId: try row.decode(column: "response_id", as: String.self),
                                          unitId: try row.decode(column: "unit_id", as: Int?.self),
                                          channel: try row.decode(column: "channel", as: String.self),
                                          stratum: try row.decode(column: "stratum", as: String?.self),
                                          psu: try row.decode(column: "psu", as: String?.self),
                                          weight: try row.decode(column: "weight", as: Double?.self), answers: answers)
            }
        }
        return try JSONOutput.response(Paged(items: stored, limit: page.limit, offset: page.offset))
    }
}

/// Parses, checks and stores responses for a campaign in one transaction (all or nothing).
func importResponses(_ bytes: [UInt8], campaign: Campaign, user: User, channel: String, services: Services) async throws -> ResponseRepository.ImportSummary {
    guard campaign.status.acceptsResponses else {
        throw Problem.conflict("kỳ đo lường đang ở trạng thái \"\(campaign.status.label)\"; chỉ nhận phiếu khi điều tra thực địa hoặc nhập liệu (responses are accepted during fieldwork and entry only)")
    }
    let (questionnaire, measured) = try await services.db.read { sql in
        (try await services.questionnaires.find(id: campaign.questionnaireId, on: sql)!,
         try await services.campaigns.units(of: campaign.id, on: sql).map(\.unit))
    }
    let scope = try await services.scope(of: user)
    let allowed = measured.filter { scope?.contains($0) ?? true }
    let parsed: (records: [ResponseRepository.Record], warnings: RelevanceWarnings)
    do {
        parsed = try ResponseRepository.parse(csv: bytes, questionnaire: questionnaire.questionnaire, schema: questionnaire.schema,
                                             units: allowed, defaultChannel: channel)
    } catch let failure as ResponsesImportFailed {
        throw Problem(.unprocessableContent, "invalid-responses",
                      "tệp bị từ chối, không có phiếu nào được lưu: \(failure.total) lỗi (the file was refused; nothing was stored)",
                      errors: failure.problems.map { Problem.Item(line: $0.line, column: $0.column, field: $0.columnName, message: $0.message) })
    }
    let audit = AuditLog.Change(userId: user.id, actor: user.username, action: "responses.import", entity: "campaign",
                                entityId: String(campaign.id), after: String(decoding: bytes, as: UTF8.self))

    let stored: ResponseRepository.Stored
    do {
        stored = try await services.responseWriter.store(
            ResponseRepository.Submission(campaignId: campaign.id, records: parsed.records, audit: audit))
    } catch let error where isUniqueViolation(error) {
        // Two submissions of one response id raced past the existence check: the database's
        // unique key kept one; the other is a conflict, not a failure.
        throw Problem.conflict("mã phiếu đã được gửi đồng thời bởi một yêu cầu khác; không phiếu nào trong yêu cầu này được lưu (a response id was submitted concurrently)")
    } catch let conflict as ResponseRepository.Conflict {
        throw Problem(.conflict, "conflict",
                      "\(conflict.responseIds.count) mã phiếu đã có với nội dung khác; không phiếu nào được lưu (response ids already stored with other content)",
                      errors: conflict.responseIds.prefix(100).map { Problem.Item(line: nil, column: nil, field: "response_id", message: $0) })
    }
    if stored.added >= 10_000 {
        // A large import: read it into the index's compact responses (and their stored snapshot)
        // now rather than in the first index request after it.
        let schema = questionnaire.schema, db = services.db
        Task(priority: .background) { _ = try? await db.compactResponses.rows(campaignId: campaign.id, schema: schema, db: db) }
    }
    return ResponseRepository.ImportSummary(rows: parsed.records.count, added: stored.added, unchanged: stored.unchanged,
                                            warnings: Dictionary(parsed.warnings.counts.map { ($0.item, $0.count) }, uniquingKeysWith: +))
}

/// A unique-key violation, as SQLite or PostgreSQL reports it.
func isUniqueViolation(_ error: any Error) -> Bool {
    let text = String(reflecting: error)
    return text.contains("constraintUniqueFailed") || text.contains("UNIQUE constraint") || text.contains("sqlState: 23505")
}
