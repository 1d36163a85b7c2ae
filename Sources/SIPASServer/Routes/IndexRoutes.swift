import Foundation
import Hummingbird
import SIPASCore
import SIPASFormats
import SIPASStore

func registerIndexRoutes(_ api: APIRoutes, _ services: Services) {
    api.add(.get, "/api/v1/campaigns/{id}/index", "Chỉ số của kỳ đo lường (?by=unit|province, ?rollup=province, ?min_n=30, ?format=json|csv)",
            tag: "index", action: .readIndex,
            query: [QueryParameter("by", .string, "comma-separated grouping columns: unit, province, channel, an item code (e.g. GENDER) or any other column of the responses"),
                    QueryParameter("rollup", .string, "the column whose groups are averaged with equal weight (e.g. unit)"),
                    QueryParameter("min_n", .integer, "rows with fewer responses are flagged low_n (default 30)"),
                    QueryParameter("format", .string(enumeration: ["json", "csv"]), "default json")],
            returns: .ref("CampaignIndex")) { request, context in
        let user = try context.require(.readIndex)
        let campaign = try await services.campaign(try campaignId(context), for: user)
        let q = request.uri.queryParameters
        let by = q.get("by").map { $0.split(separator: ",").map(String.init) } ?? []
        let rollup = q.get("rollup")
        let minN = try q.get("min_n").map { text -> Int in
            guard let n = Int(text), n >= 0 else { throw Problem.badRequest("min_n phải là số nguyên không âm", field: "?min_n") }
            return n
        } ?? 30
        let format = q.get("format") ?? "json"
        guard format == "json" || format == "csv" else { throw Problem.badRequest("format phải là json hoặc csv", field: "?format") }
        let scope = try await services.scope(of: user)
        let result = try await CampaignIndex.compute(campaign, by: by, rollup: rollup, minN: minN, within: scope, services: services.db)
        var rows = result.result
        let suppress = AccessPolicy.suppressesLowN(user.role)
        if suppress {
            rows.rows = rows.rows.map { row in
                var row = row
                if row.lowN { row.estimate = nil; row.se = nil; row.ciLow = nil; row.ciHigh = nil }
                return row
            }
        }
        if format == "csv" {
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: IndexResultWriter.csv(rows))))
        }
        let table = try JSONSerialization.jsonObject(with: Data(IndexResultWriter.json(rows).utf8))
        return try JSONOutput.raw(["campaign": campaign.id, "by": by, "rollup": rollup as Any? ?? NSNull(), "min_n": minN,
                                   "responses": result.responses, "low_n_suppressed": suppress, "rows": table])
    }
}

/// A campaign's index. By unit, province, channel or a single-choice item (the usual requests) it
/// reads the campaign's compact responses kept in memory; other groupings export the stored
/// responses as a responses CSV and read it with the file engine. Both give the figures `sipas index` gives for that CSV, to the
/// last digit.
public enum CampaignIndex {
    public static func compute(_ campaign: Campaign, by: [String], rollup: String?, minN: Int, within scope: AdminUnit?,
                               services db: Database, compact: Bool = true) async throws -> (result: IndexResult, responses: Int) {
        guard let questionnaire = try await db.read({ try await QuestionnaireRepository(db).find(id: campaign.questionnaireId, on: $0) }) else {
            throw Problem.notFound("bộ câu hỏi của kỳ đo lường")
        }
        if compact, let outcome = try await fromCompactResponses(campaign, questionnaire: questionnaire, by: by, rollup: rollup,
                                                                  minN: minN, within: scope, db: db) {
            return outcome
        }
        let csv = try await db.read { sql in
            try await ResponseRepository(db).exportCSV(campaignId: campaign.id, questionnaire: questionnaire.questionnaire, within: scope, on: sql)
        }
        var offset = 0
        let reader = ResponsesCSVReader(questionnaire: questionnaire.questionnaire, schema: questionnaire.schema) { pointer, count in
            let n = min(count, csv.count - offset)
            csv.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress! + offset, count: n) }
            offset += n
            return n
        }
        do {
            let outcome = try ResponsesIndexer.run(reader: reader, by: by, rollupOf: rollup, minN: minN)
            return (outcome.result, outcome.rows)
        } catch let unknown as ResponsesIndexer.UnknownColumn {
            throw Problem.badRequest(unknown.description, field: unknown.option == "--by" ? "?by" : "?rollup")
        }
    }

    private static func fromCompactResponses(_ campaign: Campaign, questionnaire: QuestionnaireRepository.Stored, by: [String],
                                             rollup: String?, minN: Int, within scope: AdminUnit?,
                                             db: Database) async throws -> (result: IndexResult, responses: Int)? {
        let rows = try await db.compactResponses.rows(campaignId: campaign.id, schema: questionnaire.schema, db: db)
        let units = UnitRepository(db)
        var keys: [CompactResponsesIndexer.UnitKeys] = []
        var keep: [Bool] = []
        for id in rows.unitIds {
            guard let unit = try await units.find(id: id) else {
                keys.append(.init(unit: "", province: ""))
                keep.append(false)
                continue
            }
            // The province is the root of the unit's path, as in an export.
            let root = unit.path.split(separator: "/").first.flatMap { Int($0) }
            let province = try await root.asyncMap { try await units.find(id: $0) } ?? nil
            keys.append(.init(unit: unit.code, province: province?.level == "province" ? province!.code : ""))
            keep.append(scope?.contains(unit) ?? true)
        }
        guard let outcome = CompactResponsesIndexer.run(rows, questionnaire: questionnaire.questionnaire, plan: questionnaire.schema.evaluator.plan,
                                                        by: by, rollup: rollup, minN: minN, keys: keys, keep: scope == nil ? nil : keep) else {
            return nil
        }
        return (outcome.result, outcome.rows)
    }
}
