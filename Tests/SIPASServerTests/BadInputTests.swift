import Foundation
import Testing
@testable import SIPASApp
import SIPASCore
import SIPASFormats
@testable import SIPASServer
import SIPASStore

/// Every refused request gets a precise problem document and leaves the database as it was.
@Suite(.serialized) struct BadInputTests {
    func expectRefused(_ s: TestServer, _ status: Int, field: String? = nil, containing fragment: String? = nil,
                       _ request: () async throws -> TestServer.Reply, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = try await s.state()
        let reply = try await request()
        #expect(reply.status == status, "\(reply.body)", sourceLocation: sourceLocation)
        #expect(reply.headers[.contentType]?.hasPrefix("application/problem+json") == true, sourceLocation: sourceLocation)
        if let field { #expect(reply.object["field"] as? String == field, "\(reply.body)", sourceLocation: sourceLocation) }
        if let fragment { #expect(reply.body.contains(fragment), "\(reply.body)", sourceLocation: sourceLocation) }
        #expect(try await s.state() == before, "a refused request changed the database", sourceLocation: sourceLocation)
    }

    static let validCampaign = """
        {"code": "LSN-2026", "year": 2025, "title": "Đo lường 2026", "questionnaire_code": "sipas-2023", "questionnaire_version": 1,
         "owner_unit_id": OWNER, "units": [{"unit_id": UNIT, "target_percent": 93}], "phases": [{"phase": "fieldwork", "starts_on": "2026-10-01", "ends_on": "2026-10-31"}]}
        """

    @Test(arguments: TestEngine.available)
    func malformedAndMistypedJSON(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            try await expectRefused(s, 400, containing: "malformed JSON") {
                try await s.call(.post, "/api/v1/campaigns", as: .systemAdmin, json: "{\"code\": ")
            }
            try await expectRefused(s, 400, field: "/colour", containing: "unknown field") {
                try await s.call(.post, "/api/v1/campaigns", as: .systemAdmin, json: "{\"colour\": \"red\"}")
            }
            try await expectRefused(s, 400, field: "/year", containing: "expected integer") {
                try await s.call(.post, "/api/v1/campaigns", as: .systemAdmin, json: "{\"code\": \"X\", \"year\": \"2026\"}")
            }
            // Well formed, but the unit does not exist: a rule of the application, 422.
            try await expectRefused(s, 422, field: "/units/0/unit_id") {
                try await s.call(.post, "/api/v1/campaigns", as: .systemAdmin, json: Self.validCampaign.replacingOccurrences(of: "OWNER", with: "1").replacingOccurrences(of: "UNIT", with: "999999"))
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func duplicateCampaignCodeAndOutOfScopeUnits(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let langSon = try await s.services.units.find(register: .legacy, level: .province, code: "20")!
            let hanoi = try await s.services.units.find(register: .legacy, level: .province, code: "01")!
            let diemHe = try await s.services.units.find(register: .legacy, level: .commune, code: "06280")!
            let ok = Self.validCampaign.replacingOccurrences(of: "OWNER", with: "\(langSon.id)").replacingOccurrences(of: "UNIT", with: "\(diemHe.id)")
            let created = try await s.call(.post, "/api/v1/campaigns", as: .provinceAdmin, json: ok)
            #expect(created.status == 201, "\(created.body)")
            try await expectRefused(s, 409, field: "/code") {
                try await s.call(.post, "/api/v1/campaigns", as: .provinceAdmin, json: ok)
            }
            let outOfScope = ok.replacingOccurrences(of: "LSN-2026", with: "HN-2026").replacingOccurrences(of: "\"unit_id\": \(diemHe.id)", with: "\"unit_id\": \(hanoi.id)")
            try await expectRefused(s, 403, field: "/units/0/unit_id") {
                try await s.call(.post, "/api/v1/campaigns", as: .provinceAdmin, json: outOfScope)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aUsedQuestionnaireVersionIsImmutable(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            var q = BuiltinQuestionnaires.load(id: "sipas-2017")!
            q.title = "Sửa tiêu đề"
            // Built-in national questionnaires are read-only for everyone.
            try await expectRefused(s, 403, containing: "read-only") {
                try await s.call(.put, "/api/v1/questionnaires/sipas-2017/1", as: .systemAdmin, body: QuestionnaireWriter.write(q, as: .json))
            }
            q.version = 2
            // A new version of a national questionnaire: the system administrator only.
            try await expectRefused(s, 403, containing: "national") {
                try await s.call(.put, "/api/v1/questionnaires/sipas-2017/2", as: .provinceAdmin, body: QuestionnaireWriter.write(q, as: .json))
            }
            let created = try await s.call(.put, "/api/v1/questionnaires/sipas-2017/2", as: .systemAdmin, body: QuestionnaireWriter.write(q, as: .json))
            #expect(created.status == 201)
            // A version a campaign uses is immutable, even for its owner.
            let diemHe = try await s.services.units.find(register: .legacy, level: .commune, code: "06280")!
            let campaign = try await s.call(.post, "/api/v1/campaigns", as: .systemAdmin, json: """
                {"code": "Q-USED", "year": 2025, "title": "t", "questionnaire_code": "sipas-2017", "questionnaire_version": 2,
                 "units": [{"unit_id": \(diemHe.id)}]}
                """)
            #expect(campaign.status == 201, "\(campaign.body)")
            q.title = "Sửa sau khi dùng"
            try await expectRefused(s, 409, containing: "immutable") {
                try await s.call(.put, "/api/v1/questionnaires/sipas-2017/2", as: .systemAdmin, body: QuestionnaireWriter.write(q, as: .json))
            }
            q.version = 3
            try await expectRefused(s, 422, containing: "unknown scale") {
                try await s.call(.put, "/api/v1/questionnaires/sipas-2017/3", as: .systemAdmin,
                                 body: QuestionnaireWriter.write(q, as: .json).replacingOccurrences(of: "\"scale\": \"satisfaction5\"", with: "\"scale\": \"nope\"")
                                     .replacingOccurrences(of: "\"version\": 2", with: "\"version\": 3"))
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func responsesImportIsAllOrNothingAndIdempotent(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let uri = "/api/v1/campaigns/\(s.campaign.id)/responses/import"
            // The demo campaign is in analysis: closed to responses.
            try await expectRefused(s, 409, containing: "fieldwork and entry") {
                try await s.call(.post, uri, as: .dataEntryClerk, body: "response_id,unit,A1\nX1,06280,4\n", contentType: "text/csv")
            }
            let status = try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/status", as: .provinceAdmin, json: "{\"status\": \"entry\", \"reason\": \"kiểm thử\"}")
            #expect(status.status == 200)
            try await expectRefused(s, 422, containing: "unit not measured") {
                try await s.call(.post, uri, as: .dataEntryClerk, body: "response_id,unit,A1\nX1,06280,4\nX2,00001,4\nX3,06280,7\n", contentType: "text/csv")
            }
            let file = "response_id,unit,A1,A2\nX1,06280,4,5\nX2,06280,2,\n"
            let first = try await s.call(.post, uri, as: .dataEntryClerk, body: file, contentType: "text/csv")
            #expect(first.status == 200 && first.object["added"] as? Int == 2, "\(first.body)")
            let before = try await s.state()
            let again = try await s.call(.post, uri, as: .dataEntryClerk, body: file, contentType: "text/csv")
            #expect(again.object["added"] as? Int == 0 && again.object["unchanged"] as? Int == 2)
            #expect(try await s.state() == before, "an identical re-import changes nothing")
            try await expectRefused(s, 409, containing: "X2") {
                try await s.call(.post, uri, as: .dataEntryClerk, body: "response_id,unit,A1,A2\nX2,06280,5,\nX9,06280,4,\n", contentType: "text/csv")
            }
            let one = try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/responses", as: .enumerator,
                                       json: "{\"response_id\": \"T1\", \"unit_id\": \(try await s.services.units.find(register: .legacy, level: .commune, code: "06280")!.id), \"answers\": {\"A1\": 5, \"NEEDS\": [1, 3]}}")
            #expect(one.status == 201, "\(one.body)")
            try await expectRefused(s, 422, field: nil, containing: "/answers/A1") {
                try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/responses", as: .enumerator, json: "{\"response_id\": \"T2\", \"answers\": {\"A1\": 8}}")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func theAuditLogDetectsTampering(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let verify = try await s.call(.get, "/api/v1/audit/verify", as: .systemAdmin)
            #expect(verify.object["intact"] as? Bool == true)
            #expect((verify.object["entries"] as? Int ?? 0) > 5)
            let log = try await s.call(.get, "/api/v1/audit?limit=3", as: .systemAdmin)
            #expect((log.object["items"] as? [Any])?.count == 3)
            try await s.services.db.withConnection { try await $0.raw("UPDATE audit_log SET detail = 'sửa lén' WHERE id = 3").run() }
            let broken = try await s.call(.get, "/api/v1/audit/verify", as: .systemAdmin)
            #expect(broken.object["intact"] as? Bool == false && broken.object["first_broken"] as? Int == 3)
        }
    }
}
