import Foundation
import HTTPTypes
import SIPASApp
import SIPASCore
import SIPASStore
import SIPASTestSupport
import Testing

/// The fieldwork screens of the demo's campaign, as every role and as the enumerators and the province use them.
@Suite struct WebFieldworkTests {
    func campaignId(_ s: TestServer) async throws -> Int {
        try #require(try await s.services.db.withConnection { try await s.services.campaigns.find(code: "LSN-VQ-2026", on: $0) }).id
    }

    @Test(arguments: TestEngine.available)
    func everyFieldworkPageWithEveryRole(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let id = try await campaignId(s)
            let pages = ["/campaigns/\(id)/fieldwork", "/campaigns/\(id)/fieldwork?by=enumerator", "/campaigns/\(id)/fieldwork/progress.xlsx", "/campaigns/\(id)/fieldwork/cases",
                         "/campaigns/\(id)/fieldwork/rechecks", "/campaigns/\(id)/fieldwork/bang-ke", "/campaigns/\(id)/fieldwork/phieu",
                         "/campaigns/\(id)/fieldwork/tien-ho-tro", "/campaigns/\(id)/entry",
                         "/campaigns/\(id)/entry/differences"]
            for page in pages {
                let anonymous = try await s.page(page, cookie: nil)
                #expect(anonymous.status == 303, "\(page)")
            }
            for account in DemoData.accounts + [("dtv.an", "", Role.enumerator, nil)] {
                let cookie = try await s.signIn(account.username)
                for page in pages {
                    let reply = try await s.page(page, cookie: cookie)
                    let role = account.role
                    var expected: Int
                    if page.hasSuffix("/entry") {
                        expected = AccessPolicy.allows(role, .keyForms) ? 200 : 403
                    } else if page.contains("/rechecks") || page.hasSuffix("/differences") {
                        expected = AccessPolicy.allows(role, .manageFieldwork) ? 200 : 403
                    } else if page.contains("/cases") || page.contains("/bang-ke") || page.contains("/phieu") || page.contains("/tien-ho-tro") {
                        expected = AccessPolicy.allows(role, .recordDispositions) ? 200 : 403
                    } else {
                        expected = AccessPolicy.allows(role, .readFieldwork) ? 200 : 403
                    }
                    // The demo's enumerator of Văn Quan district reaches no 2026 case: the campaign of the 2025 units is not in its scope.
                    if account.username == "dtv.vanquan" && expected == 200 { expected = 404 }
                    // An enumerator prints their own list; the province prints theirs by naming one (without, it asks for their own: none).
                    let printed = page.hasSuffix("/bang-ke") || page.hasSuffix("/phieu") || page.hasSuffix("/tien-ho-tro")
                    if printed && role != .enumerator && expected == 200 { expected = 404 }
                    // A supervisor reads progress by enumerator: the page opens on it.
                    #expect(reply.status == expected, "\(account.username) \(page): \(reply.status)")
                }
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func anEnumeratorRecordsOnThePhoneAndTheProvinceRechecks(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let id = try await campaignId(s)
            let cookie = try await s.signIn("dtv.an")
            let page = try await s.page("/campaigns/\(id)/fieldwork/cases", cookie: cookie)
            let token = String(try #require(page.body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1))
            // The first card is a case still to deliver, with its form.
            let code = String(try #require(page.body.firstMatch(of: /action="\/campaigns\/\d+\/fieldwork\/cases\/(\d{6}-\d)"/)?.1))
            // Reading contacts is itself audited (the refusal shows the page again): the rest of the state is unchanged.
            var before = try await s.state()
            before["audit_log"] = nil
            let wrong = try await s.post("/campaigns/\(id)/fieldwork/cases/\(code)", form: "_csrf=\(token)&disposition=collected&date=", cookie: cookie)
            #expect(wrong.status == 422 && wrong.body.contains("không chuyển sang"), "\(wrong.body.prefix(300))")
            var now = try await s.state()
            now["audit_log"] = nil
            #expect(now == before)
            // A refused form comes back as it was typed: the outcome chosen, the date, the note (escaped).
            let typo = try await s.post("/campaigns/\(id)/fieldwork/cases/\(code)", form: "_csrf=\(token)&disposition=delivered&date=31%2F02%2F2026&note=Nh%C3%A0%20%3Cb%3E%C4%91%C3%B3ng%3C%2Fb%3E", cookie: cookie)
            #expect(typo.status == 422 && typo.body.contains("value=\"31/02/2026\"") && typo.body.contains("<option value=\"delivered\" selected>"), "\(typo.body.prefix(300))")
            #expect(typo.body.contains("value=\"Nhà &lt;b&gt;đóng&lt;/b&gt;\"") && !typo.body.contains("<b>đóng"))
            let done = try await s.post("/campaigns/\(id)/fieldwork/cases/\(code)", form: "_csrf=\(token)&disposition=delivered&date=01%2F12%2F2026", cookie: cookie)
            #expect(done.status == 303)
            let after = try await s.page("/campaigns/\(id)/fieldwork/cases?message=recorded", cookie: cookie)
            #expect(after.body.contains("Đã ghi kết quả.") && after.body.contains("\(code)</span> <span class=\"status-delivered\">Đã phát phiếu</span>"))
            // The printed list opens with its own style sheet, which the server serves.
            let list = try await s.page("/campaigns/\(id)/fieldwork/bang-ke", cookie: cookie)
            #expect(list.status == 200 && list.body.contains("BẢNG KÊ GIAO NHẬN PHIẾU KHẢO SÁT") && list.body.contains(code))
            #expect(try await s.page("/static/bang-ke.css", cookie: nil).status == 200)
            // The questionnaires carry the code and its QR code, never a name; the payment list says its total in words.
            let forms = try await s.page("/campaigns/\(id)/fieldwork/phieu?all=1", cookie: cookie)
            let respondent = String(try #require(after.body.firstMatch(of: /<p><strong>([^<]+)<\/strong>/)?.1))
            #expect(forms.status == 200 && forms.body.contains(code) && forms.body.contains("class=\"qr\"") && !forms.body.contains(respondent), "\(respondent)")
            let payments = try await s.page("/campaigns/\(id)/fieldwork/tien-ho-tro?amount=50000", cookie: cookie)
            #expect(payments.status == 200 && payments.body.contains("Bằng chữ:") && payments.body.contains("nghìn đồng"))
            #expect(try await s.page("/campaigns/\(id)/fieldwork/tien-ho-tro?amount=1e5", cookie: cookie).status == 422)
            // The province's re-check page lists the demo's re-check with its outcome forms.
            let province = try await s.signIn("snv.langson")
            let recheck = try await s.page("/campaigns/\(id)/fieldwork/rechecks", cookie: province)
            #expect(recheck.status == 200 && recheck.body.contains("Không xác nhận") && recheck.body.contains("Quyết định"))
            // The demo's differing forms: one decided from the screen, taking the first keying's values.
            let differences = try await s.page("/campaigns/\(id)/entry/differences", cookie: province)
            let provinceToken = String(try #require(differences.body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1))
            let formCode = String(try #require(differences.body.firstMatch(of: /entry\/differences\/(\d{6}-\d)"/)?.1))
            let section = String(differences.body.components(separatedBy: "differences/\(formCode)\"").dropFirst().first?.components(separatedBy: "</form>").first ?? "")
            var choices: [String: String] = [:]
            for match in section.matches(of: /name="(v\.[^"]+)" value="([^"]*)"/) where choices[String(match.1)] == nil { choices[String(match.1)] = String(match.2) }
            #expect(!choices.isEmpty)
            let decision = "_csrf=\(provinceToken)&" + choices.map { "\($0.key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)=\($0.value)" }.joined(separator: "&")
            let decided = try await s.post("/campaigns/\(id)/entry/differences/\(formCode)", form: decision, cookie: province)
            #expect(decided.status == 303, "\(decided.body.prefix(300))")
            #expect(!(try await s.page("/campaigns/\(id)/entry/differences", cookie: province)).body.contains("differences/\(formCode)\""))
            // Keying: an answer outside the scale is refused beside its field, with what was typed kept.
            let clerk = try await s.signIn("nhaplieu.langson")
            let entry = try await s.page("/campaigns/\(id)/entry", cookie: clerk)
            let clerkToken = String(try #require(entry.body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1))
            let refusedKeying = try await s.post("/campaigns/\(id)/entry", form: "_csrf=\(clerkToken)&code=\(code)&a.GENDER=7&a.AGE=2", cookie: clerk)
            #expect(refusedKeying.status == 422 && refusedKeying.body.contains("ã 7 không thuộc") && refusedKeying.body.contains("value=\"7\""),
                    "\(refusedKeying.status) \(refusedKeying.body.components(separatedBy: "role=\"alert\"").dropFirst().map { $0.prefix(300) })")
            #expect(refusedKeying.body.components(separatedBy: "class=\"field-error\"").count == 2, "one message, beside its field")
            let keyed = try await s.post("/campaigns/\(id)/entry", form: "_csrf=\(clerkToken)&code=\(code)&a.GENDER=1&a.AGE=2", cookie: clerk)
            #expect(keyed.status == 303 && keyed.headers[.location]?.contains("status=keyed-once") == true)
        }
    }
}
