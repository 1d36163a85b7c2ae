import Foundation
import Testing
import SIPASApp
import SIPASCore
import SIPASFormats
import SIPASStore
@testable import SIPASServer

/// The in-memory compact responses must give, for every grouping and scope, exactly the figures
/// of the stored responses exported and read by the file engine — also after new responses
/// arrive, including ones that change the design (no weight, no PSU).
@Suite struct CampaignIndexTests {
    func expectSameFigures(_ s: TestServer, scope: AdminUnit?, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let campaign = try await s.services.campaigns.findCommitted(id: s.campaign.id)!
        for by in [[], ["unit"], ["province"], ["province", "unit"], ["channel"], ["GENDER"], ["unit", "AGE"], ["AGE", "channel", "unit"]] {
            for rollup in [nil, "unit", "GENDER"] as [String?] {
                let compact = try await s.figures(campaign, by: by, rollup: rollup, minN: 30, within: scope)
                let file = try await s.figures(campaign, by: by, rollup: rollup, minN: 30, within: scope, compact: false)
                #expect(try await usesCompactResponses(s, by: by, rollup: rollup), "by \(by) rollup \(rollup ?? "-")", sourceLocation: sourceLocation)
                #expect(compact.responses == file.responses, "by \(by) rollup \(rollup ?? "-")", sourceLocation: sourceLocation)
                #expect(IndexResultWriter.csv(compact.result) == IndexResultWriter.csv(file.result),
                        "by \(by) rollup \(rollup ?? "-") scope \(scope?.code ?? "-")", sourceLocation: sourceLocation)
            }
        }
    }

    /// Whether the compact path answers (rather than leaving the request to the file engine).
    func usesCompactResponses(_ s: TestServer, by: [String], rollup: String?) async throws -> Bool {
        let db = s.services.db
        let stored = try await db.read { try await s.services.questionnaires.find(id: s.campaign.questionnaireId, on: $0)! }
        let rows = try await db.compactResponses.rows(campaignId: s.campaign.id, schema: stored.schema, db: db)
        let keys = rows.unitIds.map { _ in CompactResponsesIndexer.UnitKeys(unit: "u", province: "p") }
        return CompactResponsesIndexer.run(rows, questionnaire: stored.questionnaire, plan: stored.schema.evaluator.plan,
                                           by: by, rollup: rollup, minN: 30, keys: keys, keep: nil) != nil
    }

    @Test(arguments: TestEngine.available)
    func otherGroupingsGoToTheFileEngine(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            // A multiple-choice item and an unknown column: the file engine answers (or names the column).
            #expect(try await usesCompactResponses(s, by: ["NEEDS"], rollup: nil) == false)
            let reply = try await s.call(.get, "/api/v1/campaigns/\(s.campaign.id)/index?by=NEEDS", as: .systemAdmin)
            #expect(reply.status == 200)
            let unknown = try await s.call(.get, "/api/v1/campaigns/\(s.campaign.id)/index?by=colour", as: .systemAdmin)
            #expect(unknown.status == 422 && unknown.object["field"] as? String == "?by", "\(unknown.body)")
        }
    }

    @Test(arguments: TestEngine.available)
    func compactResponsesGiveTheFileEnginesFiguresToTheLastDigit(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let diemHe = try await s.services.units.find(register: .legacy, level: .commune, code: "06280")!
            try await expectSameFigures(s, scope: nil)
            try await expectSameFigures(s, scope: diemHe)
            // New responses after the first read: one without weight, stratum or PSU, which makes
            // the whole campaign unweighted for the file engine too; an NFD spelling of a stratum.
            #expect(try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/status", as: .provinceAdmin, json: "{\"status\": \"entry\", \"reason\": \"kiểm thử\"}").status == 200)
            let csv = "response_id,unit,stratum,psu,A1,A2,OVERALL\nN1,06280,\("Điềm He".decomposedStringWithCanonicalMapping),P9,4,5,4\nN2,06280,,,2,3,\n"
            let imported = try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/responses/import", as: .dataEntryClerk,
                                            body: csv, contentType: "text/csv")
            #expect(imported.status == 200, "\(imported.body)")
            try await expectSameFigures(s, scope: nil)
            try await expectSameFigures(s, scope: diemHe)
        }
    }
}

/// A restarted server reads the compact responses back from their stored snapshot — unless the
/// snapshot no longer matches the responses, when they are read again row by row.
@Suite struct CompactSnapshotTests {
    @Test(arguments: TestEngine.available)
    func aSnapshotIsUsedOnlyWhileItMatchesTheResponses(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let db = s.services.db
            let campaign = s.campaign
            let schema = try await db.read { try await s.services.questionnaires.find(id: campaign.questionnaireId, on: $0)! }.schema
            let expected = try await s.figures(campaign, by: ["unit"], rollup: nil, minN: 30, within: nil, compact: false)
            try await db.compactResponses.storeSnapshot(campaignId: campaign.id, schema: schema, db: db)

            let restarted = CompactResponsesCache()
            let restored = try await restarted.rows(campaignId: campaign.id, schema: schema, db: db)
            #expect(await restarted.restoredFromSnapshot == [campaign.id])
            let plan = schema.evaluator.plan, q = schema.questionnaire
            let keys = try await unitKeys(restored, s)
            let fromSnapshot = CompactResponsesIndexer.run(restored, questionnaire: q, plan: plan, by: ["unit"], rollup: nil, minN: 30, keys: keys, keep: nil)!
            #expect(IndexResultWriter.csv(fromSnapshot.result) == IndexResultWriter.csv(expected.result))

            // A response gone from the database (a restore from an older copy): the snapshot is refused.
            try await db.withConnection { sql in
                try await sql.raw("DELETE FROM responses WHERE id = (SELECT MIN(id) FROM responses WHERE campaign_id = \(bind: campaign.id))").run()
            }
            let again = CompactResponsesCache()
            let reread = try await again.rows(campaignId: campaign.id, schema: schema, db: db)
            #expect(await again.restoredFromSnapshot.isEmpty)
            #expect(reread.count == restored.count - 1)
            let now = try await s.figures(campaign, by: ["unit"], rollup: nil, minN: 30, within: nil, compact: false)
            let recomputed = CompactResponsesIndexer.run(reread, questionnaire: q, plan: plan, by: ["unit"], rollup: nil, minN: 30,
                                                         keys: try await unitKeys(reread, s), keep: nil)!
            #expect(IndexResultWriter.csv(recomputed.result) == IndexResultWriter.csv(now.result))
        }
    }

    func unitKeys(_ rows: CompactResponses, _ s: TestServer) async throws -> [CompactResponsesIndexer.UnitKeys] {
        var keys: [CompactResponsesIndexer.UnitKeys] = []
        for id in rows.unitIds {
            let unit = try await s.services.units.find(id: id)!
            keys.append(.init(unit: unit.code, province: "20"))
        }
        return keys
    }
}
