import Foundation
import Hummingbird
import SIPASCore
import SIPASFormats
import SIPASStore

func registerIndexRoutes(_ api: APIRoutes, _ services: Services) {
    api.add(.get, "/api/v1/campaigns/{id}/index", "Chỉ số của kỳ đo lường (?by=unit|province, ?rollup=province, ?min_n=30, ?format=json|csv)",
            tag: "index", action: .readIndex) { request, context in
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

/// A campaign's index: its stored responses (within a scope) read back as a responses CSV through
/// the same reader and engine as a file, so figures agree with `sipas index` to the last digit.
public enum CampaignIndex {
    public static func compute(_ campaign: Campaign, by: [String], rollup: String?, minN: Int, within scope: AdminUnit?,
                               services db: Database) async throws -> (result: IndexResult, responses: Int) {
        let questionnaires = QuestionnaireRepository(db), responses = ResponseRepository(db)
        let (questionnaire, csv) = try await db.read { sql in
            let q = try await questionnaires.find(id: campaign.questionnaireId, on: sql)!.questionnaire
            return (q, try await responses.exportCSV(campaignId: campaign.id, questionnaire: q, within: scope, on: sql))
        }
        var offset = 0
        let reader = ResponsesCSVReader(questionnaire: questionnaire) { pointer, count in
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
}
