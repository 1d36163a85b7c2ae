import Foundation
import Testing
@testable import SIPASApp
import SIPASCore
import SIPASStore
@testable import SIPASServer

/// The five ways an independent tester combined outputs to recover individual answers at
/// b62481a, each tried again: every one is refused or finds nothing, because every aggregate
/// audience reads one release with one suppression pattern for all its tables.
@Suite struct CombinedOutputsTests {
    /// Văn Quan measured in 2023 on its legacy communes and the district office itself (3
    /// responses, no 2025 successor); Trấn Ninh has 2 responses and merged into Điềm He in 2025;
    /// two kiosk responses; then the 2025 campaign on the successors.
    static func makeCampaigns(_ s: TestServer) async throws -> (earlier: Int, later: Int, small: AdminUnit, units: [AdminUnit]) {
        let admin = try await s.platform.accounts.find(username: "admin")
        let district = try #require(try await s.services.units.find(register: .legacy, level: .district, code: "184"))
        let communes = try await s.services.units.children(of: district)
        let units = [district] + communes
        let earlier = try await s.platform.campaigns.create(.init(code: "CMB-2023", year: 2023, title: "Kết hợp", questionnaireCode: "sipas-2017",
                                                                  questionnaireVersion: 1, ownerUnitId: district.id,
                                                                  units: units.map { .init(unitId: $0.id) }), by: admin)
        for status in ["sampling", "fieldwork"] { _ = try await s.platform.campaigns.setStatus(earlier.id, to: status, reason: "kiểm thử", by: admin) }
        var lines = ["response_id,unit,channel,GENDER,A1,A2,B1"]
        for unit in units {
            let count = unit.code == "184" ? 3 : unit.code == "06256" ? 2 : 40
            for i in 0..<count {
                let channel = unit.code == "06253" && i < 2 ? "kiosk" : "paper"
                lines.append("\(unit.code)-\(i),\(unit.code),\(channel),\(1 + i % 2),\(2 + i % 4),\(1 + (i * 7) % 5),\(3 + i % 3)")
            }
        }
        _ = try await s.platform.responses.importCSV(.bytes(Array((lines.joined(separator: "\n") + "\n").utf8)), campaign: earlier.id, by: admin)
        for status in ["entry", "analysis", "published"] { _ = try await s.platform.campaigns.setStatus(earlier.id, to: status, reason: "kiểm thử", by: admin) }

        let province = try #require(try await s.services.units.find(register: .reform2025, level: .province, code: "20"))
        var successors: [AdminUnit] = []
        for commune in communes {
            for next in try await s.services.units.successors(of: commune) where next.isDefault && !successors.contains(where: { $0.id == next.unit.id }) {
                successors.append(next.unit)
            }
        }
        let later = try await s.platform.campaigns.create(.init(code: "CMB-2025", year: 2025, title: "Kết hợp 2025", questionnaireCode: "sipas-2017",
                                                                questionnaireVersion: 1, ownerUnitId: province.id,
                                                                units: successors.map { .init(unitId: $0.id) }), by: admin)
        for status in ["sampling", "fieldwork"] { _ = try await s.platform.campaigns.setStatus(later.id, to: status, reason: "kiểm thử", by: admin) }
        var next = ["response_id,unit,A1,A2,B1"]
        for unit in successors { for i in 0..<40 { next.append("L\(unit.code)-\(i),\(unit.code),\(2 + i % 4),\(3 + i % 3),\(1 + i % 5)") } }
        _ = try await s.platform.responses.importCSV(.bytes(Array((next.joined(separator: "\n") + "\n").utf8)), campaign: later.id, by: admin)
        for status in ["entry", "analysis", "published"] { _ = try await s.platform.campaigns.setStatus(later.id, to: status, reason: "kiểm thử", by: admin) }
        return (earlier.id, later.id, communes.first { $0.code == "06256" }!, units)
    }

    static func rows(_ reply: TestServer.Reply) -> [[String: Any]] { reply.object["rows"] as? [[String: Any]] ?? [] }

    static func shownUnits(_ s: TestServer, _ id: Int, as role: Role) async throws -> Set<String> {
        Set(rows(try await s.call(.get, "/api/v1/campaigns/\(id)/index?by=unit", as: role)).filter { !($0["estimate"] is NSNull) }
            .compactMap { $0["unit"] as? String })
    }

    /// `left_out: 3` beside the re-estimate gave the district office's 3 respondents: pooled minus
    /// re-estimated. Now the count is withheld, and so is one of the two totals it lies between.
    @Test(arguments: TestEngine.available)
    func theReestimateMinusTheOriginalGivesNothingBack(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let (earlier, later, _, _) = try await Self.makeCampaigns(s)
            for role in [Role.ministryAnalyst] {
                let change = try await s.call(.get, "/api/v1/campaigns/\(later)/dashboard/change?since=\(earlier)", as: role)
                #expect(change.status == 200, "\(change.body.prefix(300))")
                #expect(change.object["left_out"] is NSNull, "the 3 responses left out are a figure below the floor: \(change.object["left_out"] ?? "")")
                let reestimated = Self.rows(change).filter { ($0["unit"] as? String) == "" && !($0["earlier"] is NSNull) }
                let pooled = Self.rows(try await s.call(.get, "/api/v1/campaigns/\(earlier)/index", as: role)).filter { !($0["estimate"] is NSNull) }
                #expect(reestimated.isEmpty || pooled.isEmpty, "both totals shown: their difference is the 3 responses left out")
            }
        }
    }

    /// `by=unit` hid a small unit and one partner, `by=unit,channel` hid others: the pooled figure
    /// minus every unit shown in either gave the small unit. Free combinations are gone; one
    /// pattern serves every declared table.
    @Test(arguments: TestEngine.available)
    func twoGroupingsCannotBeCombined(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let (earlier, _, small, units) = try await Self.makeCampaigns(s)
            for role in [Role.ministryAnalyst, .unitViewer] {
                for query in ["by=unit,channel", "by=channel,unit", "by=province,unit", "by=unit,GENDER", "by=channel&rollup=unit"] {
                    let reply = try await s.call(.get, "/api/v1/campaigns/\(earlier)/index?\(query)", as: role)
                    #expect(reply.status == 403, "\(role) \(query): \(reply.status)")
                }
            }
            let shown = try await Self.shownUnits(s, earlier, as: .ministryAnalyst)
            #expect(!shown.contains(small.code) && !shown.contains("184"))
            #expect(shown.count <= units.count - 3, "the small units are withheld with at least one partner")
            // The kiosk's 2 responses are withheld with another channel, in the one channel table there is.
            let channels = Self.rows(try await s.call(.get, "/api/v1/campaigns/\(earlier)/index?by=channel", as: .ministryAnalyst))
            #expect(!channels.contains { $0["channel"] as? String == "kiosk" })
            #expect(Set(channels.compactMap { $0["channel"] as? String }).count != 1, "one channel shown alone would be the total minus the kiosk")
        }
    }

    /// A commune viewer's change page (the earlier campaign re-estimated on its merged 2025
    /// commune) minus the other predecessors in the public units.csv gave a 2-response commune.
    @Test(arguments: TestEngine.available)
    func aMergedSuccessorMinusItsPublicPredecessorsGivesNothingBack(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let (earlier, later, _, _) = try await Self.makeCampaigns(s)
            let publicCSV = try await s.page("/public/CMB-2023/data/units.csv", cookie: nil).body
            let publicUnits = Set(publicCSV.split(separator: "\n").dropFirst().map { String($0.prefix(5)) })
            #expect(!publicUnits.contains("06256"))
            // Điềm He 2025 = Trấn Ninh (2 responses) + Liên Hội + Điềm He.
            for role in [Role.ministryAnalyst, .unitViewer] {
                let change = try await s.call(.get, "/api/v1/campaigns/\(later)/dashboard/change?since=\(earlier)", as: role)
                let merged = Self.rows(change).first { $0["unit"] as? String == "06280" && $0["node"] as? String == "SIPAS" }
                if let merged, !(merged["earlier"] is NSNull) {
                    #expect(role != .unitViewer, "the re-estimate covers communes outside a legacy commune viewer's scope")
                    #expect(!(publicUnits.contains("06268") && publicUnits.contains("06280")),
                            "\(role): the merged commune and both other predecessors are shown")
                }
            }
        }
    }

    /// Published → entry → one late response → published again: the difference of two releases
    /// would be that one person's answers. Below the floor, the release is held.
    @Test(arguments: TestEngine.available)
    func oneLateResponseIsNotVisibleAsADifference(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let (earlier, _, _, units) = try await Self.makeCampaigns(s)
            let admin = try await s.platform.accounts.find(username: "admin")
            let before = try await s.call(.get, "/api/v1/campaigns/\(earlier)/index?by=unit&format=csv", as: .ministryAnalyst).body
            let publicBefore = try await s.page("/public/CMB-2023/data/units.csv", cookie: nil).body
            let countBefore = try await s.call(.get, "/api/v1/campaigns/\(earlier)", as: .ministryAnalyst).object["responses"] as? Int
            for status in ["analysis", "entry"] { _ = try await s.platform.campaigns.setStatus(earlier, to: status, reason: "kiểm thử", by: admin) }
            let big = units.first { $0.code == "06280" }!
            _ = try await s.platform.responses.importCSV(.bytes(Array("response_id,unit,A1\nLATE,\(big.code),1\n".utf8)), campaign: earlier, by: admin)
            for status in ["analysis", "published"] { _ = try await s.platform.campaigns.setStatus(earlier, to: status, reason: "kiểm thử", by: admin) }
            #expect(try await s.call(.get, "/api/v1/campaigns/\(earlier)/index?by=unit&format=csv", as: .ministryAnalyst).body == before)
            #expect(try await s.page("/public/CMB-2023/data/units.csv", cookie: nil).body == publicBefore)
            // Nor as the campaign's count of responses (it is the release's, for those who read the release).
            let countAfter = try await s.call(.get, "/api/v1/campaigns/\(earlier)", as: .ministryAnalyst).object["responses"] as? Int
            #expect(countBefore != nil && countAfter == countBefore, "\(String(describing: countBefore)) → \(String(describing: countAfter))")
            #expect(try await s.call(.get, "/api/v1/campaigns/\(earlier)", as: .systemAdmin).object["responses"] as? Int == (countBefore ?? 0) + 1)
            // The administrators see it at once.
            let live = Self.rows(try await s.call(.get, "/api/v1/campaigns/\(earlier)/index?by=unit", as: .systemAdmin))
            #expect(live.contains { $0["unit"] as? String == big.code && $0["node"] as? String == "SIPAS" && $0["n"] as? Int == 41 })
        }
    }

    /// An agency given a commune's code was grouped with the commune: groups are units. A
    /// campaign refuses two measured units with one code.
    @Test(arguments: TestEngine.available)
    func twoUnitsWithOneCodeAreRefused(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let district = try #require(try await s.services.units.find(register: .legacy, level: .district, code: "184"))
            let commune = try #require(try await s.services.units.children(of: district).first)
            let made = try await s.call(.post, "/api/v1/units/\(commune.id)/agencies", as: .provinceAdmin,
                                        json: "{\"code\": \"\(commune.code)\", \"name\": \"Bộ phận một cửa\"}")
            #expect(made.status == 201, "\(made.body)")
            let agency = made.object["id"] as! Int
            let reply = try await s.call(.post, "/api/v1/campaigns", as: .provinceAdmin, json: """
                {"code": "DUP-1", "year": 2025, "title": "Trùng mã", "questionnaire_code": "sipas-2017", "questionnaire_version": 1,
                 "owner_unit_id": \(district.id), "units": [{"unit_id": \(commune.id)}, {"unit_id": \(agency)}]}
                """)
            #expect(reply.status == 422 && reply.object["field"] as? String == "/units/1/unit_id", "\(reply.body)")
        }
    }
}
