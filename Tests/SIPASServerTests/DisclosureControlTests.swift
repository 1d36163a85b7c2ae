import Foundation
import Testing
@testable import SIPASApp
import SIPASCore
import SIPASStore
@testable import SIPASServer

/// An attacker with every account that may not read individual responses tries to learn one
/// respondent's answers from the index: by grouping on identifiers and free text, by lowering the
/// threshold, by subtracting allowed figures from each other, and by asking before and after one
/// new response. Each attempt is refused or finds nothing below the campaign's floor.
@Suite struct DisclosureControlTests {
    static let aggregateRoles: [Role] = [.ministryAnalyst, .unitViewer]

    /// A campaign on three communes of Văn Quan with a design an attacker would love: Điềm He 40
    /// responses of which 2 women and 3 who made a complaint (E0 = 1, so E2 is answered by 3),
    /// a second commune with 10, a third with 80 (40 women, 40 men).
    static func makeCampaign(_ s: TestServer) async throws -> (id: Int, units: [AdminUnit]) {
        let district = try await s.services.units.find(register: .legacy, level: .district, code: "184")!
        let communes = try await s.services.units.children(of: district)
        let diemHe = communes.first { $0.code == "06280" }!
        let others = communes.filter { $0.code != "06280" }.prefix(2)
        let units = [diemHe] + others
        let created = try await s.call(.post, "/api/v1/campaigns", as: .provinceAdmin, json: """
            {"code": "DC-TEST", "year": 2025, "title": "Kiểm thử kiểm soát công bố", "questionnaire_code": "sipas-2017",
             "questionnaire_version": 1, "owner_unit_id": \(district.id), "units": [\(units.map { "{\"unit_id\": \($0.id)}" }.joined(separator: ","))]}
            """)
        #expect(created.status == 201, "\(created.body)")
        let id = created.object["id"] as! Int
        for status in ["sampling", "fieldwork"] {
            #expect(try await s.call(.post, "/api/v1/campaigns/\(id)/status", as: .provinceAdmin, json: "{\"status\": \"\(status)\", \"reason\": \"kiểm thử\"}").status == 200)
        }
        var lines = ["response_id,unit,GENDER,AGE,E0,A1,A2,E2,OVERALL,COMMENT"]
        func add(_ unit: AdminUnit, _ count: Int, women: Int, complaints: Int = 0) {
            for i in 0..<count {
                let complained = i < complaints
                lines.append("\(unit.code)-\(i),\(unit.code),\(i < women ? 2 : 1),\(1 + i % 4),\(complained ? 1 : 2),\(3 + i % 3),\(2 + i % 4),\(complained ? "4" : ""),\(3 + i % 3),\"Tôi là người \(unit.code)-\(i)\"")
            }
        }
        add(units[0], 40, women: 2, complaints: 3)
        add(units[1], 10, women: 5)
        add(units[2], 80, women: 40)
        let imported = try await s.call(.post, "/api/v1/campaigns/\(id)/responses/import", as: .provinceAdmin,
                                        body: lines.joined(separator: "\n") + "\n", contentType: "text/csv")
        #expect(imported.status == 200, "\(imported.body)")
        return (id, units)
    }

    static func close(_ s: TestServer, _ id: Int) async throws {
        for status in ["entry", "analysis"] {
            #expect(try await s.call(.post, "/api/v1/campaigns/\(id)/status", as: .provinceAdmin, json: "{\"status\": \"\(status)\", \"reason\": \"kiểm thử\"}").status == 200)
        }
    }

    static func rows(_ reply: TestServer.Reply) -> [[String: Any]] { reply.object["rows"] as? [[String: Any]] ?? [] }

    static func shownUnits(_ s: TestServer, _ id: Int) async throws -> Set<String> {
        Set(rows(try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=unit", as: .ministryAnalyst)).compactMap { $0["unit"] as? String })
    }

    @Test(arguments: TestEngine.available)
    func figuresAreShownToAggregateRolesOnlyOnceEntryIsClosed(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let (id, _) = try await Self.makeCampaign(s)
            // Live, one response at a time: the difference between two requests would be that response.
            for role in Self.aggregateRoles {
                let live = try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=unit", as: role)
                #expect(live.status == 403 && live.body.contains("entry is closed"), "\(role): \(live.body)")
            }
            #expect(try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=unit", as: .provinceAdmin).status == 200, "administrators see it live")
            try await Self.close(s, id)
            for role in Self.aggregateRoles {
                #expect(try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=unit", as: role).status == 200)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func identifyingGroupingsAndLowerThresholdsAreRefused(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let (id, _) = try await Self.makeCampaign(s)
            try await Self.close(s, id)
            let refused = ["by=response_id", "by=stratum", "by=psu", "by=COMMENT", "by=FIELD", "by=NEEDS", "by=A1", "by=unit,response_id",
                           "by=GENDER,AGE", "by=unit&rollup=GENDER", "by=unit&rollup=response_id", "by=unit&min_n=1", "by=unit&min_n=29",
                           "by=unit&min_n=0", "by=COMMENT&format=csv"]
            for role in Self.aggregateRoles {
                for query in refused {
                    let reply = try await s.call(.get, "/api/v1/campaigns/\(id)/index?\(query)", as: role)
                    #expect(reply.status == 403, "\(role) \(query): \(reply.status) \(reply.body.prefix(200))")
                    #expect(!reply.body.contains("Tôi là người"), "a comment leaked")
                }
                // Raising the threshold is allowed.
                #expect(try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=unit&min_n=60", as: role).status == 200)
            }
            // Free text never leaves through an aggregate route, even for the campaign's administrators.
            let admin = try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=COMMENT", as: .provinceAdmin)
            #expect(admin.status == 403 && !admin.body.contains("Tôi là người"))
            #expect(try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=unit,GENDER&min_n=1", as: .provinceAdmin).status == 200)
        }
    }

    /// Every allowed grouping, and every pair of a grouping and one of its refinements: nothing
    /// shown below the floor, and a parent figure minus the shown parts of it is either nothing or
    /// a figure of at least `min_n` responses.
    @Test(arguments: TestEngine.available)
    func noFigureBelowTheFloorAndNoneRecoverableBySubtraction(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let (id, units) = try await Self.makeCampaign(s)
            try await Self.close(s, id)
            // The declared tables: the unit levels and one breakdown at a time, never a combination.
            let groupings: [[String]] = [[], ["unit"], ["province"], ["channel"], ["GENDER"], ["AGE"], ["E0"]]
            for combination in [["unit", "GENDER"], ["province", "unit"], ["unit", "E0"], ["province", "GENDER"], ["channel", "unit", "GENDER"]] {
                for role in Self.aggregateRoles {
                    let reply = try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=\(combination.joined(separator: ","))", as: role)
                    #expect(reply.status == 403 && reply.object["field"] as? String == "?by", "\(role) \(combination): \(reply.status)")
                }
            }
            for role in Self.aggregateRoles {
                var results: [[String]: [[String: Any]]] = [:]
                for by in groupings {
                    for format in ["json", "csv"] {
                        let reply = try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=\(by.joined(separator: ","))&format=\(format)", as: role)
                        #expect(reply.status == 200, "\(role) \(by): \(reply.body.prefix(200))")
                        if format == "json" {
                            results[by] = Self.rows(reply)
                        } else {
                            #expect(reply.body.split(separator: "\n").count == (results[by]?.count ?? 0) + 1, "csv and json show the same rows")
                        }
                    }
                    for row in results[by] ?? [] {
                        if !(row["estimate"] is NSNull) {
                            #expect((row["n"] as! Int) >= 30, "\(role) \(by): a figure of \(row["n"]!) responses is shown")
                        }
                    }
                }
                for child in groupings where !child.isEmpty {
                    guard let parentRows = results[[]], let childRows = results[child] else { continue }
                    Self.expectNoRecoverableDifference(parent: [], parentRows, child: child, childRows, role: role)
                }
            }
            // The 10-response commune never shows, nor the commune withheld to protect it; the campaign's total does.
            let byUnit = Self.rows(try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=unit", as: .ministryAnalyst))
            let shown = Set(byUnit.compactMap { $0["unit"] as? String })
            #expect(!shown.contains(units[1].code) && shown.count == 1, "the 10-response commune and, to protect it, another are withheld: \(shown)")
            _ = units
        }
    }

    /// The attack an independent tester found: a unit with 60 men and one woman, another with 60
    /// and 40. `by=unit,GENDER` withholds both units' splits, but the mean of units per gender,
    /// beside the pooled figure per gender, solved for the woman's answers. A roll-up is now given
    /// to these roles only when every group it averages is shown.
    @Test(arguments: TestEngine.available)
    func aMeanOfGroupsCannotSolveForAWithheldGroup(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let admin = try await s.platform.accounts.find(username: "admin")
            let district = try #require(try await s.services.units.find(register: .legacy, level: .district, code: "184"))
            let a = try #require(try await s.services.units.find(register: .legacy, level: .commune, code: "06253"))
            let b = try #require(try await s.services.units.find(register: .legacy, level: .commune, code: "06256"))
            let campaign = try await s.platform.campaigns.create(.init(code: "ATK-1", year: 2025, title: "attack", questionnaireCode: "sipas-2017",
                                                                       questionnaireVersion: 1, ownerUnitId: district.id,
                                                                       units: [.init(unitId: a.id), .init(unitId: b.id)]), by: admin)
            for status in ["sampling", "fieldwork", "entry"] { _ = try await s.platform.campaigns.setStatus(campaign.id, to: status, reason: "kiểm thử", by: admin) }
            var lines = ["response_id,unit,GENDER,A1"]
            lines += (0..<60).map { "M\($0),06253,1,\($0 % 3 == 0 ? 3 : 4)" }
            lines.append("W0,06253,2,1")
            lines += (0..<60).map { "N\($0),06256,1,\($0 % 4 == 0 ? 2 : 5)" }
            lines += (0..<40).map { "V\($0),06256,2,\($0 % 2 == 0 ? 2 : 4)" }
            _ = try await s.platform.responses.importCSV(.bytes(Array((lines.joined(separator: "\n") + "\n").utf8)), campaign: campaign.id, by: admin)
            _ = try await s.platform.campaigns.setStatus(campaign.id, to: "analysis", reason: "kiểm thử", by: admin)
            let id = campaign.id
            #expect(try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=unit,GENDER", as: .ministryAnalyst).status == 403)
            for query in ["by=GENDER&rollup=unit", "by=GENDER&rollup=unit&format=csv", "by=province,GENDER&rollup=unit"] {
                let reply = try await s.call(.get, "/api/v1/campaigns/\(id)/index?\(query)", as: .ministryAnalyst)
                #expect(reply.status == 403 && reply.object["field"] as? String == "?by", "\(query): \(reply.status) \(reply.body.prefix(200))")
            }
            // A mean of units that are all shown adds nothing hidden, and stays available.
            #expect(try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=province&rollup=unit", as: .ministryAnalyst).status == 200)
            // The campaign's administrators see every figure, as before.
            #expect(try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=GENDER&rollup=unit", as: .systemAdmin).status == 200)
        }
    }

    static func expectNoRecoverableDifference(parent: [String], _ parentRows: [[String: Any]], child: [String], _ childRows: [[String: Any]],
                                              role: Role, sourceLocation: SourceLocation = #_sourceLocation) {
        func key(_ row: [String: Any], _ columns: [String]) -> String { columns.map { "\(row[$0] ?? "")" }.joined(separator: "\u{1F}") }
        var shownInChildren: [String: Int] = [:]
        for row in childRows where !(row["estimate"] is NSNull) {
            shownInChildren[key(row, parent) + "\u{1E}" + (row["node"] as! String), default: 0] += row["n"] as! Int
        }
        for row in parentRows where !(row["estimate"] is NSNull) {
            let node = row["node"] as! String
            let hidden = (row["n"] as! Int) - (shownInChildren[key(row, parent) + "\u{1E}" + node] ?? 0)
            #expect(hidden == 0 || hidden >= 30, "\(role): \(parent) minus its \(child) parts leaves \(hidden) responses of \(node) at \(key(row, parent))",
                    sourceLocation: sourceLocation)
        }
    }

    /// Nothing an account without response access sees changes while entry is open, and once it
    /// is closed no response can be added: two requests can never differ by one response.
    @Test(arguments: TestEngine.available)
    func noDifferencingInTime(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let (id, units) = try await Self.makeCampaign(s)
            try await Self.close(s, id)
            let before = try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=unit", as: .ministryAnalyst)
            let late = try await s.call(.post, "/api/v1/campaigns/\(id)/responses", as: .provinceAdmin,
                                        json: "{\"response_id\": \"LATE\", \"unit_id\": \(units[2].id), \"answers\": {\"A1\": 1}}")
            #expect(late.status == 409, "no responses once entry is closed: \(late.body)")
            // Reopening entry takes the figures away from aggregate roles again.
            #expect(try await s.call(.post, "/api/v1/campaigns/\(id)/status", as: .provinceAdmin, json: "{\"status\": \"entry\", \"reason\": \"kiểm thử\"}").status == 200)
            #expect(try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=unit", as: .ministryAnalyst).status == 403)
            #expect(try await s.call(.post, "/api/v1/campaigns/\(id)/responses", as: .provinceAdmin,
                                     json: "{\"response_id\": \"LATE\", \"unit_id\": \(units[2].id), \"answers\": {\"A1\": 1}}").status == 201)
            #expect(try await s.call(.post, "/api/v1/campaigns/\(id)/status", as: .provinceAdmin, json: "{\"status\": \"analysis\", \"reason\": \"kiểm thử\"}").status == 200)
            let after = try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=unit", as: .ministryAnalyst)
            #expect(before.status == 200 && after.status == 200)
        }
    }

    @Test(arguments: TestEngine.available)
    func unitViewersSeeTheirOwnSubtreeUnderTheSameRules(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let (id, units) = try await Self.makeCampaign(s)
            try await Self.close(s, id)
            // Its own commune is withheld to protect the 10-response one: the analyst's release, seen
            // from its scope — never a table of its own that the analyst's could be subtracted from.
            let own = try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=unit", as: .unitViewer)
            let analyst = try await Self.shownUnits(s, id)
            #expect(Set(Self.rows(own).compactMap { $0["unit"] as? String }) == analyst.intersection([units[0].code]))
            #expect(!Self.rows(own).contains { $0["unit"] as? String != units[0].code }, "another commune's figures")
            // The campaign-wide breakdown is the analyst's, no more.
            let split = try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=GENDER", as: .unitViewer)
            let analystSplit = try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=GENDER", as: .ministryAnalyst)
            #expect(split.body == analystSplit.body)
            // E2 was answered by 3 people: its figure is blank in every cell that shows.
            for row in Self.rows(try await s.call(.get, "/api/v1/campaigns/\(id)/index", as: .unitViewer)) where row["node"] as? String == "E2" {
                #expect(row["estimate"] is NSNull)
            }
        }
    }
}
