import Foundation
import Testing
@testable import SIPASApp
import SIPASCore
import SIPASFormats
import SIPASFormats
@testable import SIPASServer
import SIPASStore

@Suite(.serialized) struct APITests {
    @Test(arguments: TestEngine.available)
    func healthMetricsAndOpenAPI(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let health = try await s.call(.get, "/healthz")
            #expect(health.status == 200 && health.object["status"] as? String == "ok")
            #expect(health.object["database"] as? String == engine.rawValue)
            let doc = try await s.call(.get, "/api/v1/openapi.json")
            #expect(doc.object["openapi"] as? String == "3.1.0")
            let paths = doc.object["paths"] as? [String: [String: Any]] ?? [:]
            #expect(paths["/api/v1/campaigns/{id}/index"]?["get"] != nil)
            let metrics = try await s.call(.get, "/metrics", as: .systemAdmin)
            #expect(metrics.body.contains("sipas_http_requests_total"))
            #expect(metrics.body.contains("route=\"/api/v1/openapi.json\""))
        }
    }

    /// Every documented route exists in the router, and every route the router serves under
    /// /api/v1 is documented (the document is generated from the route table the router is built from).
    @Test func openAPIDocumentMatchesTheRoutes() async throws {
        try await withServer(.sqlite) { s in
            let doc = try await s.call(.get, "/api/v1/openapi.json")
            let paths = doc.object["paths"] as? [String: [String: Any]] ?? [:]
            let documented = Set(paths.flatMap { path, ops in ops.keys.map { "\($0.uppercased()) \(path)" } })
            let table = Set(s.routes.all.map { "\($0.method.rawValue) \($0.path)" })
            #expect(documented == table)
            #expect(documented.count >= 20)
            // Every body is described: requests are read by their schema, replies checked against theirs.
            for route in s.routes.all {
                if !route.responses.contains(204) { #expect(route.returns != nil, "\(route.method) \(route.path) documents no reply") }
                if route.body == "application/json" { #expect(route.request != nil, "\(route.method) \(route.path) documents no body") }
            }
            for route in s.routes.all {
                let uri = route.path.replacingOccurrences(of: "{id}", with: "\(s.campaign.id)").replacingOccurrences(of: "{code}", with: "sipas-2017")
                    .replacingOccurrences(of: "{version}", with: "1").replacingOccurrences(of: "{unit}", with: "1")
                    .replacingOccurrences(of: "{number}", with: "1")
                let reply = try await s.call(route.method, uri)
                // Unauthenticated: a documented protected route answers 401 (it exists), never 404.
                #expect(reply.status != 404, "\(route.method) \(route.path) is not routed")
                if route.action != nil { #expect(reply.status == 401, "\(route.method) \(route.path) without a token") }
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func unitSearchIgnoresCaseAndDiacritics(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let reply = try await s.call(.get, "/api/v1/units?q=diem%20he", as: .unitViewer)
            let items = reply.object["items"] as? [[String: Any]] ?? []
            #expect(items.contains { $0["name"] as? String == "Xã Điềm He" && $0["register"] as? String == "legacy" })
            #expect(items.contains { $0["name"] as? String == "Xã Điềm He" && $0["register"] as? String == "2025" })
            let legacy = items.first { $0["register"] as? String == "legacy" }!
            let detail = try await s.call(.get, "/api/v1/units/\(legacy["id"] as! Int)", as: .unitViewer)
            #expect((detail.object["successors"] as? [[String: Any]])?.isEmpty == false, "the 2025 commune it became")
            let provinces = try await s.call(.get, "/api/v1/units?q=LANG%20SON&level=province", as: .enumerator)
            #expect((provinces.object["items"] as? [[String: Any]])?.count == 2, "Lạng Sơn before and after 1/7/2025")
            #expect(try await s.services.units.count() == 63 + 696 + 10_035 + 34 + 3_321)
        }
    }

    @Test(arguments: TestEngine.available)
    func campaignIndexMatchesTheFileBasedEngineToTheLastDigit(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let api = try await s.call(.get, "/api/v1/campaigns/\(s.campaign.id)/index?by=unit&format=csv", as: .ministryAnalyst)
            #expect(api.status == 200)
            // The same responses as a file through `sipas index`'s path.
            let communes = try await s.services.units.children(of: try await s.services.units.find(register: .legacy, level: .district, code: "184")!)
            let csv = DemoData.generatedResponses(units: communes)
            var offset = 0
            let reader = ResponsesCSVReader(questionnaire: BuiltinQuestionnaires.load(id: "sipas-2017")!) { p, n in
                let k = min(n, csv.count - offset)
                csv.withUnsafeBufferPointer { p.update(from: $0.baseAddress! + offset, count: k) }
                offset += k
                return k
            }
            let file = try ResponsesIndexer.run(reader: reader, by: ["unit"], rollupOf: nil, minN: 30)
            #expect(api.body == IndexResultWriter.csv(file.result))
            let national = try await s.call(.get, "/api/v1/campaigns/\(s.campaign.id)/index?rollup=province&by=channel", as: .systemAdmin)
            #expect(national.status == 200)
            #expect((national.object["rows"] as? [[String: Any]])?.first?["channel"] != nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func unitViewersSeeOnlyTheirSubtreeWithLowNSuppressed(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let reply = try await s.call(.get, "/api/v1/campaigns/\(s.campaign.id)/index?by=unit", as: .unitViewer)
            #expect(reply.status == 200)
            let rows = reply.object["rows"] as? [[String: Any]] ?? []
            #expect(Set(rows.compactMap { $0["unit"] as? String }) == ["06280"], "Điềm He only")
            // The campaign's own total beside it (dashboard-measures: the unit against the campaign).
            #expect(reply.object["responses"] as? Int == 1800)
            // Raised above the unit's 120 responses: the group is withheld whole, labels, n and total too.
            let raised = try await s.call(.get, "/api/v1/campaigns/\(s.campaign.id)/index?by=unit&min_n=200", as: .unitViewer)
            #expect(raised.status == 200 && (raised.object["rows"] as? [Any])?.isEmpty == true, "\(raised.body.prefix(300))")
            #expect(raised.object["withheld_groups"] as? Int == 1, "only groups inside its scope are counted")
            let list = try await s.call(.get, "/api/v1/campaigns/\(s.campaign.id)/responses", as: .unitViewer)
            #expect(list.status == 403, "no individual responses for units")
            let admin = try await s.call(.get, "/api/v1/campaigns/\(s.campaign.id)/responses?limit=2", as: .provinceAdmin)
            #expect(admin.status == 200 && (admin.object["items"] as? [Any])?.count == 2)
        }
    }
}
