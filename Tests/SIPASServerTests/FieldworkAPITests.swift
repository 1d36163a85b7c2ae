import Foundation
import HTTPTypes
import SIPASApp
import SIPASCore
import SIPASStore
import SIPASTestSupport
import Testing

/// The demo's campaign in fieldwork through the API, as enumerators, a supervisor and the province use it.
@Suite struct FieldworkAPITests {
    func token(_ s: TestServer, _ username: String) async throws -> String {
        let user = try #require(try await s.services.users.authenticate(username: username, password: DemoData.password))
        return try await s.services.users.issueToken(for: user, kind: .api, lifetime: 600).token
    }

    @Test(arguments: TestEngine.available)
    func enumeratorsSupervisorsAndTheProvince(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let campaign = try #require(try await s.services.db.withConnection { try await s.services.campaigns.find(code: "LSN-VQ-2026", on: $0) })
            let base = "/api/v1/campaigns/\(campaign.id)/fieldwork"
            let an = try await token(s, "dtv.an"), cuong = try await token(s, "dtv.cuong"), supervisor = try await token(s, "giamsat.buudien")
            let mine = try #require(try await s.call(.get, base + "/cases", token: an).object["items"] as? [[String: Any]])
            #expect(!mine.isEmpty && mine.allSatisfy { $0["enumerator"] as? String == "dtv.an" })
            #expect(mine.allSatisfy { (($0["contact"] as? [String: String])?["phone"] ?? "").hasPrefix("09") }, "the holder reads the phone to deliver")
            let theirs = try #require(try await s.call(.get, base + "/cases", token: cuong).object["items"] as? [[String: Any]])
            let other = try #require(theirs.first?["code"] as? String)
            // Another enumerator's case: the same answer as a case that does not exist.
            #expect(try await s.call(.get, base + "/cases/\(other)", token: an).status == 404)
            let refused = try await s.call(.post, base + "/dispositions", token: an, json: #"{"code": "\#(other)", "disposition": "delivered"}"#)
            #expect(refused.status == 422 && refused.body.contains("trong các trường hợp của bạn"))
            // The other post office's supervisor's cases are not this supervisor's either.
            let reached = try #require(try await s.call(.get, base + "/cases", token: supervisor).object["items"] as? [[String: Any]])
            #expect(!reached.contains { $0["code"] as? String == other } && reached.count >= mine.count)
            // Record a disposition that can follow, and one that cannot.
            let open = try #require(mine.first { $0["status"] as? String == "assigned" }?["code"] as? String)
            let before = try await s.state()
            let wrong = try await s.call(.post, base + "/dispositions", token: an, json: #"{"code": "\#(open)", "disposition": "collected"}"#)
            #expect(wrong.status == 422 && wrong.object["field"] as? String == "/disposition")
            #expect(try await s.state() == before, "a refused disposition changes nothing")
            let delivered = try await s.call(.post, base + "/dispositions", token: an, json: #"{"code": "\#(open)", "disposition": "delivered", "date": "20/11/2026"}"#)
            #expect(delivered.status == 200 && delivered.object["status"] as? String == "delivered")
            // Progress adds up in every grouping; the CSV has the documented columns.
            var totals: Set<Int> = []
            for by in ["unit", "enumerator", "stratum", "post_office"] {
                let progress = try await s.call(.get, base + "/progress?by=\(by)", as: .provinceAdmin)
                let rows = try #require(progress.object["rows"] as? [[String: Any]])
                totals.insert(rows.map { $0["cases"] as! Int }.reduce(0, +))
            }
            #expect(totals.count == 1)
            let csv = try await s.call(.get, base + "/progress?by=enumerator&format=csv", as: .provinceAdmin)
            #expect(csv.body.hasPrefix("enumerator,cases,assigned,delivered,collected,refused,not_found,moved,ineligible,replaced,response_rate,rr1,cooperation_rate,refusal_rate,overdue\n"))
            #expect(csv.body.contains("\ndtv.an,"))
            // A supervisor reads progress by enumerator, never the contacts of the other office nor units' mixes.
            #expect(try await s.call(.get, base + "/progress?by=unit", token: supervisor).status == 403)
            #expect(try await s.call(.get, base + "/progress?by=enumerator", token: supervisor).status == 200)
            // The bảng kê upload names its bad line and column.
            let list = "ma_phieu,ket_qua\n\(open),collected\n000000-0,refused\n"
            let upload = try await s.call(.post, base + "/dispositions/import", token: an, body: list, contentType: "application/octet-stream")
            #expect(upload.status == 422, "\(upload.body)")
            #expect((upload.object["errors"] as? [[String: Any]])?.first?["line"] as? Int == 3, "\(upload.body)")
        }
    }
}
