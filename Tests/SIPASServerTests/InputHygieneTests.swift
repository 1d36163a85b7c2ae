import Foundation
import HTTPTypes
import Testing
@testable import SIPASApp
import SIPASCore
import SIPASStore
@testable import SIPASServer

/// Accounts, text fields, exports, limits and scope, tried as an attacker would.
@Suite struct InputHygieneTests {
    func campaignJSON(code: String, title: String = "Tiêu đề", owner: Int, units: [Int]) -> String {
        let list = units.map { "{\"unit_id\": \($0)}" }.joined(separator: ",")
        return "{\"code\": \"\(code)\", \"year\": 2025, \"title\": \"\(title)\", \"questionnaire_code\": \"sipas-2017\", \"questionnaire_version\": 1, \"owner_unit_id\": \(owner), \"units\": [\(list)]}"
    }

    func make(_ s: TestServer, _ name: String, _ password: String) async throws -> TestServer.Reply {
        try await s.call(.post, "/api/v1/users", as: .systemAdmin, json: """
            {"username": "\(name)", "display_name": "Người thử", "password": "\(password)", "role": "ministry-analyst"}
            """)
    }

    func login(_ s: TestServer, _ password: String) async throws -> Int {
        try await s.call(.post, "/api/v1/auth/login", json: "{\"username\": \"ngan\", \"password\": \"\(password)\"}").status
    }

    @Test(arguments: TestEngine.available)
    func passwordsAreNeverCutShort(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            #expect(try await make(s, "nul", "0123456789\\u0000x").status == 422, "a NUL in a password is refused")
            #expect(try await make(s, "tab", "0123456789\\tabc").status == 422)
            let long = String(repeating: "ạ", count: 25)  // 75 bytes: bcrypt would read only 72 of them
            #expect(try await make(s, "dai", long).status == 422)
            #expect(try await make(s, "ngan", "Ruong-bac-thang9").status == 201)
            #expect(try await login(s, "Ruong-bac-thang9\\u0000x") == 401, "what follows a NUL is not ignored")
            #expect(try await login(s, "Ruong-bac-thang9" + String(repeating: "x", count: 70)) == 401, "what follows byte 72 is not ignored")
            #expect(try await login(s, "Ruong-bac-thang9") == 200)
            #expect(try await make(s, "ADMIN", "mat-khau-dai-du").status == 409, "names are unique whatever their case")
            #expect(try await s.call(.post, "/api/v1/auth/login", json: "{\"username\": \"NGAN\", \"password\": \"Ruong-bac-thang9\"}").status == 200)
        }
    }

    /// The passwords an attacker tries first are refused, each with the reason.
    @Test(arguments: TestEngine.available)
    func commonAndTrivialPasswordsAreRefused(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let refused: [(String, String)] = [
                ("Password123", "phổ biến"), ("matkhau123", "phổ biến"), ("Mật-khẩu-123", "phổ biến"), ("0123456789", "dãy liên tiếp"),
                ("9876543210", "dãy liên tiếp"), ("abcdefghijk", "dãy liên tiếp"), ("qwertyuiop", "dãy liên tiếp"), ("aaaaaaaaaaaa", "lặp lại"),
                ("abababababab", "lặp lại"), ("          x", "ký tự nhìn thấy"), ("\\u200b\\u200bmatkhau-dai-ghe", "ký tự ẩn"),
            ]
            for (i, (password, reason)) in refused.enumerated() {
                let reply = try await make(s, "yeu\(i)", password)
                #expect(reply.status == 422 && reply.object["field"] as? String == "/password" && reply.body.contains(reason),
                        "\(password): \(reply.status) \(reply.body.prefix(200))")
            }
            #expect(try await make(s, "manh", "mua-xuan-tren-deo-Khau-Phat").status == 201)
        }
    }

    @Test(arguments: TestEngine.available)
    func failedSignInsAreThrottledAndAudited(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            for _ in 0..<SignInThrottle.accountAndAddress.backoffAfter {
                #expect(try await s.call(.post, "/api/v1/auth/login", json: "{\"username\": \"phantich\", \"password\": \"doan-sai-mat-khau\"}").status == 401)
            }
            let throttled = try await s.call(.post, "/api/v1/auth/login", json: "{\"username\": \"phantich\", \"password\": \"\(DemoData.password)\"}")
            #expect(throttled.status == 429 && throttled.headers[.retryAfter] != nil, "\(throttled.body)")
            if let wait = throttled.headers[.retryAfter].flatMap(Int.init) { #expect(wait <= 60, "a short backoff, not a lock") }
            // Another account from the same address is not slowed by these.
            #expect(try await s.call(.post, "/api/v1/auth/login", json: "{\"username\": \"admin\", \"password\": \"\(DemoData.password)\"}").status == 200)
            let audit = try await s.call(.get, "/api/v1/audit?action=auth.failure&limit=50", as: .systemAdmin)
            let entries = audit.object["items"] as? [[String: Any]] ?? []
            #expect(entries.count == SignInThrottle.accountAndAddress.backoffAfter)
            #expect(!audit.body.contains("doan-sai-mat-khau"), "the password is never recorded")
        }
    }

    /// Someone guessing from many addresses cannot keep the owner out: the owner's own address,
    /// with no failure of its own, signs in at once with the right password.
    @Test(arguments: TestEngine.available)
    func guessesFromElsewhereNeverKeepTheOwnerOut(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
        let platform = s.platform
        for address in 0..<40 {
            for _ in 0..<3 {
                _ = try? await platform.accounts.signIn(username: "phantich", password: "doan-sai-\(address)", kind: .api, from: "10.0.0.\(address)")
            }
        }
        let owner = try await platform.accounts.signIn(username: "phantich", password: DemoData.password, kind: .api, from: "192.0.2.7")
        #expect(owner.user.username == "phantich")
        // A control character in the name is refused, not stripped into another account's name.
        await #expect(throws: AppError.self) {
            _ = try await platform.accounts.signIn(username: "admin\u{0}", password: DemoData.password, kind: .api, from: "192.0.2.8")
        }
        }
    }

    @Test(arguments: TestEngine.available)
    func textFieldsRefuseControlCharactersAndCodesCompareWithoutCase(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let district = try await s.services.units.find(register: .legacy, level: .district, code: "184")!
            let diemHe = try await s.services.units.find(register: .legacy, level: .commune, code: "06280")!
            let nul = try await s.call(.post, "/api/v1/campaigns", as: .provinceAdmin,
                                       json: campaignJSON(code: "LSN-VQ-2023\\u0000", owner: district.id, units: [diemHe.id]))
            #expect(nul.status == 422 && nul.object["field"] as? String == "/code", "\(nul.body)")
            let title = try await s.call(.post, "/api/v1/campaigns", as: .provinceAdmin,
                                         json: campaignJSON(code: "X1", title: "Tiêu\\u001bđề", owner: district.id, units: [diemHe.id]))
            #expect(title.status == 422 && title.object["field"] as? String == "/title", "\(title.body)")
            let twin = try await s.call(.post, "/api/v1/campaigns", as: .provinceAdmin,
                                        json: campaignJSON(code: "lsn-vq-2023", owner: district.id, units: [diemHe.id]))
            #expect(twin.status == 409, "\(twin.body)")
            // Decomposed (NFD) text is stored composed.
            let nfd = "Điềm He".decomposedStringWithCanonicalMapping
            let made = try await s.call(.post, "/api/v1/campaigns", as: .provinceAdmin,
                                        json: campaignJSON(code: "NFD-1", title: nfd, owner: district.id, units: [diemHe.id]))
            #expect(made.status == 201 && made.object["title"] as? String == "Điềm He".precomposedStringWithCanonicalMapping)
            let focal = try await s.call(.put, "/api/v1/campaigns/\(s.campaign.id)/focal-points/\(diemHe.id)", as: .provinceAdmin,
                                         json: "{\"name\": \"Nguyễn\\u0007 Văn A\", \"position\": \"Chủ tịch\", \"phone\": \"0912345678\", \"email\": \"a@b.vn\"}")
            #expect(focal.status == 422 && focal.object["field"] as? String == "/name")
        }
    }

    @Test(arguments: TestEngine.available)
    func exportsCannotCarryFormulasOrBrokenRows(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            #expect(try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/status", as: .provinceAdmin, json: "{\"status\": \"entry\", \"reason\": \"kiểm thử\"}").status == 200)
            let values = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "a, \"b\""]
            var csv = "response_id,unit,note,A1,FIELD\n"
            for (i, value) in values.enumerated() {
                for k in 0..<3 { csv += "F\(i)-\(k),06280,\"\(value.replacingOccurrences(of: "\"", with: "\"\""))\",4,\"thủ tục\r\nhai dòng\"\n" }
            }
            let imported = try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/responses/import", as: .dataEntryClerk, body: csv, contentType: "text/csv")
            #expect(imported.status == 200, "\(imported.body)")
            let reply = try await s.call(.get, "/api/v1/campaigns/\(s.campaign.id)/index?by=note&format=csv&min_n=1", as: .provinceAdmin)
            #expect(reply.status == 200)
            let records = Self.parseCSV(reply.body)
            let labels = Set(records.dropFirst().map { $0[0] })
            for value in values where value.first.map({ "=+-@".contains($0) }) == true {
                #expect(labels.contains("'" + value), "\(value) is neutralised")
                #expect(!labels.contains(value))
            }
            #expect(labels.contains("a, \"b\""), "commas and quotes are quoted")
            #expect(records.allSatisfy { $0.count == records[0].count }, "no record is split")
            // The free-text answers hold CR LF: stored, exported and read back by the file engine whole.
            let all = try await s.call(.get, "/api/v1/campaigns/\(s.campaign.id)/index?by=NEEDS&min_n=1", as: .provinceAdmin)
            let total = try await s.call(.get, "/api/v1/campaigns/\(s.campaign.id)/index?min_n=1", as: .provinceAdmin)
            #expect(all.status == 200 && all.object["responses"] as? Int == total.object["responses"] as? Int)
        }
    }

    /// RFC 4180, byte by byte (so that CR LF inside quotes stays in its field).
    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field: [UInt8] = [], quoted = false
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == 34 { if i + 1 < bytes.count && bytes[i + 1] == 34 { field.append(34); i += 1 } else { quoted = false } } else { field.append(b) }
            } else if b == 34 { quoted = true } else if b == 44 { record.append(String(decoding: field, as: UTF8.self)); field = [] }
            else if b == 10 { record.append(String(decoding: field, as: UTF8.self)); records.append(record); record = []; field = [] }
            else if b != 13 { field.append(b) }
            i += 1
        }
        return records
    }

    @Test(arguments: TestEngine.available)
    func bodiesAndProblemListsAreBounded(engine: TestEngine) async throws {
        try await withServer(engine, limits: Limits(importBytes: 64 << 10)) { (s: TestServer) async throws in
            let before = try await s.state()
            let huge = "{\"response_id\": \"" + String(repeating: "x", count: 1 << 20) + "\", \"answers\": {}}"
            let big = try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/responses", as: .enumerator, json: huge)
            #expect(big.status == 413 && big.headers[.contentType]?.hasPrefix("application/problem+json") == true, "\(big.body.prefix(200))")
            #expect(try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/status", as: .provinceAdmin, json: "{\"status\": \"entry\", \"reason\": \"kiểm thử\"}").status == 200)
            let largeCSV = "response_id,unit,A1\n" + (0..<10_000).map { "L\($0),06280,4" }.joined(separator: "\n") + "\n"
            let tooLarge = try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/responses/import", as: .dataEntryClerk, body: largeCSV, contentType: "text/csv")
            #expect(tooLarge.status == 413, "\(tooLarge.body.prefix(200))")
            let badCSV = "response_id,unit,A1\n" + (0..<300).map { "B\($0),06280,9" }.joined(separator: "\n") + "\n"
            let bad = try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/responses/import", as: .dataEntryClerk, body: badCSV, contentType: "text/csv")
            #expect(bad.status == 422)
            #expect((bad.object["errors"] as? [Any])?.count == 100 && bad.object["total"] as? Int == 300, "\(bad.body.prefix(300))")
            var after = try await s.state()
            after["campaign_status_changes"]! -= 1
            after["campaigns"] = before["campaigns"]
            after["audit_log"]! -= 1
            #expect(after == before, "only the status change was stored")
        }
    }

    @Test(arguments: TestEngine.available)
    func everyReplyCarriesSecurityHeadersAndProblemsPointNowhereElse(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            for reply in [try await s.call(.get, "/api/v1/campaigns", as: .systemAdmin), try await s.call(.get, "/api/v1/campaigns")] {
                #expect(reply.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(reply.headers[.xContentTypeOptions] == "nosniff")
                #expect(reply.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(reply.headers[.cacheControl] == "no-store")
            }
            let problem = try await s.call(.get, "/api/v1/campaigns/999999", as: .systemAdmin)
            #expect(problem.status == 404 && problem.object["type"] as? String == "about:blank")
            let trace = try await s.call(.init("TRACE")!, "/api/v1/campaigns", as: .systemAdmin)
            #expect(trace.status == 405 && trace.headers[.allow] == "GET, POST", "\(trace.status) \(trace.headers)")
            _ = try await s.call(.get, "/api/v1/nowhere")
            let metrics = try await s.call(.get, "/metrics", as: .systemAdmin).body
            #expect(metrics.contains("status=\"401\"") && metrics.contains("status=\"404\"") && metrics.contains("status=\"405\""), "every status is counted")
        }
    }

    @Test(arguments: TestEngine.available)
    func sessionCookiesAreSecureBehindATLSProxy(engine: TestEngine) async throws {
        try await withServer(engine, trustProxy: true) { (s: TestServer) async throws in
            let body = "{\"username\": \"admin\", \"password\": \"\(DemoData.password)\", \"kind\": \"session\"}"
            let tls = try await s.call(.post, "/api/v1/auth/login", json: body, headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(tls.headers[.setCookie]?.contains("Secure") == true, "\(tls.headers)")
            let plain = try await s.call(.post, "/api/v1/auth/login", json: body)
            #expect(plain.headers[.setCookie]?.contains("Secure") == false)
        }
    }

    @Test(arguments: TestEngine.available)
    func scopeHoldsForCampaignsAndSubmissions(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let langSon = try await s.services.units.find(register: .legacy, level: .province, code: "20")!
            let district = try await s.services.units.find(register: .legacy, level: .district, code: "184")!
            let hanoi = try await s.services.units.find(register: .legacy, level: .province, code: "01")!
            let hanoiDistrict = try await s.services.units.children(of: hanoi)[0]
            let diemHe = try await s.services.units.find(register: .legacy, level: .commune, code: "06280")!
            // A campaign measures units inside its owner only: a district cannot measure another province.
            let outside = try await s.call(.post, "/api/v1/campaigns", as: .systemAdmin,
                                           json: campaignJSON(code: "OUT-1", owner: district.id, units: [diemHe.id, hanoiDistrict.id]))
            #expect(outside.status == 403 && outside.object["field"] as? String == "/units/1/unit_id", "\(outside.body)")
            let hanoiCampaign = try await s.call(.post, "/api/v1/campaigns", as: .systemAdmin,
                                                 json: campaignJSON(code: "HN-1", owner: hanoi.id, units: [hanoiDistrict.id]))
            #expect(hanoiCampaign.status == 201)
            let id = hanoiCampaign.object["id"] as! Int
            for role in [Role.unitViewer, .provinceAdmin, .enumerator, .dataEntryClerk] {
                let list = try await s.call(.get, "/api/v1/campaigns?limit=500", as: role)
                let ids = (list.object["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                #expect(!ids.contains(id) && ids.contains(s.campaign.id), "\(role) lists only campaigns covering its scope")
                #expect(try await s.call(.get, "/api/v1/campaigns/\(id)", as: role).status == 404)
            }
            _ = langSon
            let attribute = try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/responses", as: .enumerator,
                                             json: "{\"response_id\": \"AT1\", \"answers\": {\"A1\": 4}, \"attributes\": {\"unit\": \"06280\"}}")
            #expect(attribute.status == 422 && attribute.object["field"] as? String == "/attributes/unit", "\(attribute.body)")
        }
    }

    @Test(arguments: TestEngine.available)
    func unitSearchTakesWordsLiterally(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let hanoi = try await s.call(.get, "/api/v1/units?q=ha%20noi&level=province", as: .unitViewer)
            let names = (hanoi.object["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names.contains("Thành phố Hà Nội"), "\(hanoi.body.prefix(300))")
            let reversed = try await s.call(.get, "/api/v1/units?q=noi%20ha&level=province", as: .unitViewer)
            #expect((reversed.object["items"] as? [Any])?.isEmpty == false, "words in any order")
            for wildcard in ["%25", "_", "%25%25", "h_%20n"] {
                let reply = try await s.call(.get, "/api/v1/units?q=\(wildcard)", as: .unitViewer)
                #expect((reply.object["items"] as? [Any])?.isEmpty == true, "\(wildcard) matched as a wildcard")
            }
        }
    }
}
