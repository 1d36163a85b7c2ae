import Foundation
import HTTPTypes
import SQLKit
import Testing
@testable import SIPASApp
import SIPASCore
@testable import SIPASStore
@testable import SIPASServer

/// What any HTTP client and any operator may expect of the server: HEAD wherever GET, `+` as a
/// space, metrics kept from strangers, and a full disk that loses nothing and says so.
@Suite struct ServerHardeningTests {
    @Test(arguments: TestEngine.available)
    func headIsAnsweredWhereverGetIs(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            for path in ["/healthz", "/api/v1/openapi.json", "/api/v1/units?q=van", "/signin", "/static/style.css"] {
                let get = try await s.client.execute(uri: path, method: .get) { ($0.status.code, $0.headers, Array(buffer: $0.body)) }
                let head = try await s.client.execute(uri: path, method: .head) { ($0.status.code, $0.headers, Array(buffer: $0.body)) }
                #expect(head.0 == get.0, "\(path): HEAD \(head.0), GET \(get.0)")
                #expect(head.2.isEmpty, "\(path): HEAD has no body")
                #expect(head.1[.contentType] == get.1[.contentType], "\(path): the same headers")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aPlusInAQueryIsASpace(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let plus = try await s.call(.get, "/api/v1/units?q=van+quan&level=district", as: .systemAdmin)
            let space = try await s.call(.get, "/api/v1/units?q=van%20quan&level=district", as: .systemAdmin)
            #expect(plus.status == 200 && plus.body == space.body && plus.body.contains("Văn Quan"), "\(plus.body.prefix(200))")
            let page = try await s.page("/units?q=van+quan", cookie: try await s.signIn("admin"))
            #expect(page.status == 200 && page.body.contains("Văn Quan"))
        }
    }

    @Test(arguments: TestEngine.available)
    func metricsAreForTheMonitoringSystemOnly(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            #expect(try await s.call(.get, "/metrics").status == 404, "a stranger finds nothing")
            #expect(try await s.call(.get, "/metrics", as: .ministryAnalyst).status == 404)
            let admin = try await s.call(.get, "/metrics", as: .systemAdmin)
            #expect(admin.status == 200 && admin.body.contains("sipas_storage_writes_refused 0"))
        }
    }

    /// The database's size limit reached (as a full disk is, to SQLite): every write answers 507
    /// with what to do, changes nothing, the health check and the metrics say writes are refused,
    /// and writes resume once there is room.
    @Test func aFullDiskLosesNothingAndSaysSo() async throws {
        try await withServer(.sqlite) { (s: TestServer) async throws in
            #expect(try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/status", as: .provinceAdmin, json: "{\"status\": \"entry\", \"reason\": \"kiểm thử\"}").status == 200)
            let unit = try await s.services.units.find(register: .legacy, level: .commune, code: "06280")!
            let before = try await s.services.db.read { try await $0.raw("SELECT COUNT(*) AS n FROM responses WHERE campaign_id = \(bind: s.campaign.id)").first()!.decode(column: "n", as: Int.self) }
            let pages = try await s.services.db.withConnection { sql in
                try await sql.raw("PRAGMA page_count").first()!.decode(column: "page_count", as: Int.self)
            }
            try await s.services.db.withConnection { sql in try await sql.raw("PRAGMA max_page_count = \(unsafeRaw: String(pages))").run() }
            var refused = 0
            for i in 0..<40 {
                let reply = try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/responses", as: .provinceAdmin,
                                             json: "{\"response_id\": \"FULL-\(i)\", \"unit_id\": \(unit.id), \"answers\": {\"A1\": 4, \"COMMENT\": \"\(String(repeating: "x", count: 2000))\"}}")
                if reply.status == 507 {
                    refused += 1
                    #expect(reply.body.contains("hết dung lượng") && reply.headers[.retryAfter] != nil, "\(reply.body.prefix(300))")
                } else {
                    #expect(reply.status == 201, "\(reply.status) \(reply.body.prefix(200))")
                }
            }
            #expect(refused > 0, "the limit was reached")
            let health = try await s.call(.get, "/healthz")
            #expect(health.status == 503 && health.object["status"] as? String == "writes-refused", "\(health.body)")
            #expect(try await s.call(.get, "/metrics", as: .systemAdmin).body.contains("sipas_storage_writes_refused 1"))
            try await s.services.db.withConnection { sql in try await sql.raw("PRAGMA max_page_count = 1073741823").run() }
            #expect(try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/responses", as: .provinceAdmin,
                                     json: "{\"response_id\": \"AFTER\", \"unit_id\": \(unit.id), \"answers\": {\"A1\": 4}}").status == 201)
            #expect(try await s.call(.get, "/healthz").status == 200)
            let after = try await s.services.db.read { try await $0.raw("SELECT COUNT(*) AS n FROM responses WHERE campaign_id = \(bind: s.campaign.id)").first()!.decode(column: "n", as: Int.self) }
            #expect(after == before + (40 - refused) + 1, "every acknowledged response kept, no refused one stored")
            let verification = try await s.call(.get, "/api/v1/audit/verify", as: .systemAdmin)
            #expect(verification.object["intact"] as? Bool == true, "\(verification.body.prefix(300))")
        }
    }
}
