import Foundation
import Testing
import SIPASStore
@testable import SIPASServer

/// Submissions commit in groups; each must still stand alone — its own outcome, its own audit
/// entry — and the caches that spare every request its lookups must follow writes at once.
@Suite struct SubmissionTests {
    static func body(_ id: String, unit: Int, a1: Int) -> String {
        "{\"response_id\": \"\(id)\", \"unit_id\": \(unit), \"answers\": {\"A1\": \(a1), \"A2\": 4, \"OVERALL\": 5}}"
    }

    @Test(arguments: TestEngine.available)
    func concurrentSubmissionsCommitTogetherYetEachStandsAlone(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let diemHe = try await s.services.units.find(register: .legacy, level: .commune, code: "06280")!
            let moved = try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/status", as: .provinceAdmin, json: "{\"status\": \"entry\", \"reason\": \"kiểm thử\"}")
            #expect(moved.status == 200)
            let before = try await s.state()
            let uri = "/api/v1/campaigns/\(s.campaign.id)/responses"
            // 40 distinct ids; 5 ids sent twice with different answers; 5 sent twice identically.
            var bodies: [(id: String, json: String)] = (0..<40).map { ("C\($0)", Self.body("C\($0)", unit: diemHe.id, a1: 4)) }
            for k in 0..<5 {
                bodies.append(("D\(k)", Self.body("D\(k)", unit: diemHe.id, a1: 4)))
                bodies.append(("D\(k)", Self.body("D\(k)", unit: diemHe.id, a1: 2)))
                bodies.append(("S\(k)", Self.body("S\(k)", unit: diemHe.id, a1: 3)))
                bodies.append(("S\(k)", Self.body("S\(k)", unit: diemHe.id, a1: 3)))
            }
            let replies = try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for (id, json) in bodies.shuffled() {
                    group.addTask { (id, try await s.call(.post, uri, as: .enumerator, json: json).status) }
                }
                return try await group.reduce(into: [String: [Int]]()) { $0[$1.0, default: []].append($1.1) }
            }
            for k in 0..<40 { #expect(replies["C\(k)"] == [201]) }
            for k in 0..<5 {
                #expect(replies["D\(k)"]?.sorted() == [201, 409], "one of two different contents wins")
                #expect(replies["S\(k)"]?.sorted() == [200, 201], "an identical repeat changes nothing")
            }
            let after = try await s.state()
            #expect(after["responses"]! - before["responses"]! == 50)
            #expect(after["audit_log"]! - before["audit_log"]! == 50, "one audit entry per stored submission")
            let verified = try await s.services.audit.verify()
            #expect(verified.firstBroken == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func cachedSessionsAndCampaignsFollowWritesAtOnce(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let diemHe = try await s.services.units.find(register: .legacy, level: .commune, code: "06280")!
            let uri = "/api/v1/campaigns/\(s.campaign.id)/responses"
            // Warm the caches, then change what they hold.
            #expect(try await s.call(.get, "/api/v1/auth/me", as: .enumerator).status == 200)
            #expect(try await s.call(.post, uri, as: .enumerator, json: Self.body("E1", unit: diemHe.id, a1: 4)).status == 409, "closed campaign")
            #expect(try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/status", as: .provinceAdmin, json: "{\"status\": \"entry\", \"reason\": \"kiểm thử\"}").status == 200)
            #expect(try await s.call(.post, uri, as: .enumerator, json: Self.body("E1", unit: diemHe.id, a1: 4)).status == 201, "open at once")
            let me = try await s.call(.get, "/api/v1/auth/me", as: .enumerator)
            let id = (me.object["id"] as? Int) ?? ((me.object["user"] as? [String: Any])?["id"] as? Int) ?? -1
            #expect(try await s.call(.post, "/api/v1/users/\(id)/disable", as: .systemAdmin).status == 200)
            #expect(try await s.call(.get, "/api/v1/auth/me", as: .enumerator).status == 401, "a disabled account's token stops at once")
            #expect(try await s.call(.post, "/api/v1/auth/logout", as: .dataEntryClerk).status < 300)
            #expect(try await s.call(.get, "/api/v1/auth/me", as: .dataEntryClerk).status == 401, "a revoked token stops at once")
        }
    }
}
