import Foundation
import Testing
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
        for by in [[], ["unit"], ["province"], ["province", "unit"]] {
            for rollup in [nil, "unit"] as [String?] {
                let compact = try await CampaignIndex.compute(campaign, by: by, rollup: rollup, minN: 30, within: scope, services: s.services.db)
                let file = try await CampaignIndex.compute(campaign, by: by, rollup: rollup, minN: 30, within: scope,
                                                           services: s.services.db, compact: false)
                #expect(compact.responses == file.responses, "by \(by) rollup \(rollup ?? "-")", sourceLocation: sourceLocation)
                #expect(IndexResultWriter.csv(compact.result) == IndexResultWriter.csv(file.result),
                        "by \(by) rollup \(rollup ?? "-") scope \(scope?.code ?? "-")", sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func compactResponsesGiveTheFileEnginesFiguresToTheLastDigit(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let diemHe = try await s.services.units.find(register: "legacy", level: "commune", code: "06280")!
            try await expectSameFigures(s, scope: nil)
            try await expectSameFigures(s, scope: diemHe)
            // New responses after the first read: one without weight, stratum or PSU, which makes
            // the whole campaign unweighted for the file engine too; an NFD spelling of a stratum.
            #expect(try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/status", as: .provinceAdmin, json: "{\"status\": \"entry\"}").status == 200)
            let csv = "response_id,unit,stratum,psu,A1,A2,OVERALL\nN1,06280,\("Điềm He".decomposedStringWithCanonicalMapping),P9,4,5,4\nN2,06280,,,2,3,\n"
            let imported = try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/responses/import", as: .dataEntryClerk,
                                            body: csv, contentType: "text/csv")
            #expect(imported.status == 200, "\(imported.body)")
            try await expectSameFigures(s, scope: nil)
            try await expectSameFigures(s, scope: diemHe)
        }
    }
}
