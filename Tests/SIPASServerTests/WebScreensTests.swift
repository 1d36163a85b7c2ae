import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import SIPASApp
import SIPASCore
import SIPASStore
@testable import SIPASServer

/// The screens through the same router as the API: the access policy page by page for every role,
/// anti-forgery tokens on forms, and escaping of every user-supplied text, SVG included.
@Suite struct WebScreensTests {
    @Test(arguments: TestEngine.available)
    func everyPageWithEveryRole(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let id = s.campaign.id
            let pages = ["/", "/campaigns", "/campaigns/\(id)", "/campaigns/\(id)/dashboard", "/campaigns/\(id)/dashboard?unit=06280",
                         "/campaigns/\(id)/ranking", "/campaigns/\(id)/change", "/campaigns/\(id)/received", "/units?q=van+quan", "/units/1",
                         "/account/password", "/users", "/audit", "/audit?verify=1&action=campaign.create", "/campaigns/new",
                         "/campaigns/\(id)/upload", "/campaigns/\(id)/focal-points", "/campaigns/\(id)/wishes", "/campaigns/\(id)/wishes?unit=06280",
                         "/campaigns/\(id)/map", "/questionnaires", "/questionnaires/sipas-2017/1", "/questionnaires/sipas-2017/1/preview?a.E0=1",
                         "/questionnaires/sipas-2017/1/document", "/questionnaires/import", "/questionnaires/sipas-2017/1/new-version",
                         "/campaigns/\(id)/report", "/campaigns/\(id)/report.xlsx", "/campaigns/\(id)/tables.csv",
                         "/campaigns/\(id)/edit", "/campaigns/\(id)/publish", "/campaigns/\(id)/template.csv", "/campaigns/\(id)/template.xlsx",
                         "/campaigns/\(id)/sampling", "/campaigns/\(id)/sampling/handover", "/campaigns/\(id)/sampling/handover.xlsx",
                         "/campaigns/\(id)/sampling/handover-contacts.csv"]
            for page in pages {
                let anonymous = try await s.page(page, cookie: nil)
                #expect(anonymous.status == 303 && anonymous.headers[.location]?.hasPrefix("/sign-in?next=") == true, "\(page)")
            }
            let figures: Set<String> = ["/campaigns/\(id)/dashboard", "/campaigns/\(id)/dashboard?unit=06280", "/campaigns/\(id)/ranking",
                                        "/campaigns/\(id)/change", "/campaigns/\(id)/wishes", "/campaigns/\(id)/wishes?unit=06280",
                                        "/campaigns/\(id)/map", "/campaigns/\(id)/report", "/campaigns/\(id)/report.xlsx",
                                        "/campaigns/\(id)/tables.csv"]
            for account in DemoData.accounts {
                let cookie = try await s.signIn(account.username)
                for page in pages {
                    let reply = try await s.page(page, cookie: cookie)
                    let expected: Int
                    if page.hasSuffix("/sampling") {
                        expected = AccessPolicy.allows(account.role, .manageCampaigns) ? 200 : 403
                    } else if page.contains("/sampling/handover") {
                        // No draw yet in the demo campaign: nothing to hand over, for those who may.
                        expected = AccessPolicy.allows(account.role, .manageCampaigns) ? 404 : 403
                    } else if page == "/campaigns/new" || page.hasSuffix("/edit") {
                        expected = AccessPolicy.allows(account.role, .manageCampaigns) ? 200 : 403
                    } else if page.hasSuffix("/publish") {
                        expected = [.systemAdmin, .provinceAdmin].contains(account.role) ? 200 : 403
                    } else if page.contains("/template.") {
                        expected = AccessPolicy.allows(account.role, .importResponses) ? 200 : 403
                    } else if page == "/campaigns/new" {
                        expected = AccessPolicy.allows(account.role, .manageCampaigns) ? 200 : 403
                    } else if page.hasSuffix("/import") || page.hasSuffix("/new-version") {
                        expected = AccessPolicy.allows(account.role, .manageQuestionnaires) ? 200 : 403
                    } else if page.hasSuffix("/upload") {
                        expected = AccessPolicy.allows(account.role, .importResponses) ? 200 : 403
                    } else if page.hasSuffix("/focal-points") {
                        expected = [.systemAdmin, .provinceAdmin].contains(account.role) ? 200 : 403
                    } else if page.hasPrefix("/users") || page.hasPrefix("/audit") {
                        expected = account.role == .systemAdmin ? 200 : 403
                    } else if page.hasSuffix("/received") {
                        expected = [.systemAdmin, .provinceAdmin].contains(account.role) ? 200 : 403
                    } else if figures.contains(page) {
                        expected = AccessPolicy.allows(account.role, .readIndex) ? 200 : 403
                    } else {
                        expected = 200
                    }
                    #expect(reply.status == expected, "\(account.username) \(page): \(reply.status)")
                    let type = reply.status != 200 ? "text/html" : page.hasSuffix("/document") ? "application/yaml"
                        : page.hasSuffix(".xlsx") ? "application/vnd.openxmlformats" : page.hasSuffix(".csv") ? "text/csv" : "text/html"
                    #expect(reply.headers[.contentType]?.hasPrefix(type) == true, "\(page): \(reply.headers[.contentType] ?? "")")
                }
            }
            // Every form that changes a campaign, posted by each role that may not: 403, nothing changes.
            let forms = ["/campaigns/\(id)/status": "from=analysis", "/campaigns/\(id)/status/back": "from=analysis&reason=x&confirm=yes",
                         "/campaigns/\(id)/signature": "issuer=X&signer_capacity=KT.", "/campaigns/\(id)/delete": "confirm=yes",
                         "/campaigns/\(id)/edit": "code=X&year=2026", "/campaigns/\(id)/publish": "confirm=yes", "/campaigns/new": "code=X&year=2026",
                         "/campaigns/\(id)/sampling/frame/import": "upload_id=1&map_unit=A", "/campaigns/\(id)/sampling/frame/fix": "rule=first",
                         "/campaigns/\(id)/sampling/frame/purge": "confirm=yes", "/campaigns/\(id)/sampling/draw": "seed=x"]
            for account in DemoData.accounts where !AccessPolicy.allows(account.role, .manageCampaigns) {
                let cookie = try await s.signIn(account.username)
                let token = String(try #require(try await s.page("/", cookie: cookie).body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1))
                let before = try await s.state()
                for (path, form) in forms {
                    let reply = try await s.post(path, form: "_csrf=\(token)&" + form, cookie: cookie)
                    #expect(reply.status == 403, "\(account.username) POST \(path): \(reply.status)")
                }
                #expect(try await s.state() == before, "\(account.username): a refused form changed something")
            }
            // A campaign outside a unit's scope does not exist for it.
            let hanoi = try #require(try await s.services.units.find(register: .legacy, level: .commune, code: "00004"))
            let other = try await s.platform.campaigns.create(.init(code: "HN-2026", year: 2025, title: "Hà Nội 2026", questionnaireCode: "sipas-2017",
                                                                    questionnaireVersion: 1, ownerUnitId: hanoi.rootId, units: [.init(unitId: hanoi.id)]),
                                                              by: try await s.platform.accounts.find(username: "admin"))
            let viewer = try await s.signIn("xa.diemhe")
            #expect(try await s.page("/campaigns/\(other.id)", cookie: viewer).status == 404)
            #expect(try await s.page("/campaigns/\(other.id)/dashboard", cookie: viewer).status == 404)
            // Another province's campaign, through every form that writes to one: nothing changes.
            let province = try await s.signIn("snv.langson")
            let token = String(try #require(try await s.page("/campaigns", cookie: province).body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1))
            let before = try await s.state()
            #expect(try await s.post("/campaigns/\(other.id)/status", form: "_csrf=\(token)&status=sampling", cookie: province).status == 404)
            #expect(try await s.post("/campaigns/\(other.id)/focal-points/\(hanoi.id)", form: "_csrf=\(token)&name=A&position=B&phone=0243+1234+567&email=a%40b.vn",
                                     cookie: province).status == 404)
            #expect(try await s.upload("/campaigns/\(other.id)/upload", file: "response_id,unit,A1\nX,00004,4\n", token: token, cookie: province).status == 404)
            #expect(try await s.state() == before)
        }
    }

    @Test(arguments: TestEngine.available)
    func formsNeedTheirAntiForgeryToken(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let id = s.campaign.id
            let cookie = try await s.signIn("admin")
            let before = try await s.state()
            let back = "from=analysis&reason=Nh%E1%BA%ADp+th%C3%AAm+phi%E1%BA%BFu&confirm=yes"
            for form in [back, back + "&_csrf=wrong"] {
                let refused = try await s.post("/campaigns/\(id)/status/back", form: form, cookie: cookie)
                #expect(refused.status == 403 && refused.body.contains("Biểu mẫu"), "\(refused.body.prefix(200))")
            }
            #expect(try await s.state() == before, "a refused form changes nothing")
            let page = try await s.page("/campaigns/\(id)", cookie: cookie)
            let token = try #require(page.body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1)
            // A step back needs its confirmation and its reason; then it is kept in the history.
            let unconfirmed = try await s.post("/campaigns/\(id)/status/back", form: "from=analysis&reason=x&_csrf=\(token)", cookie: cookie)
            #expect(unconfirmed.status == 422 && unconfirmed.body.contains("id=\"back-error\""))
            let unexplained = try await s.post("/campaigns/\(id)/status/back", form: "from=analysis&confirm=yes&_csrf=\(token)", cookie: cookie)
            #expect(unexplained.status == 422 && unexplained.body.contains("cần ghi lý do"))
            #expect(try await s.state() == before, "a refused step back changes nothing")
            let moved = try await s.post("/campaigns/\(id)/status/back", form: back + "&_csrf=\(token)", cookie: cookie)
            #expect(moved.status == 303)
            #expect(try await s.services.campaigns.findCommitted(id: id)?.status == .entry)
            // The same form sent twice does not step twice.
            let twice = try await s.post("/campaigns/\(id)/status/back", form: back + "&_csrf=\(token)", cookie: cookie)
            let afterTwice = try await s.services.campaigns.findCommitted(id: id)?.status
            #expect(twice.status == 409 && afterTwice == .entry)
            let history = try await s.page("/campaigns/\(id)", cookie: cookie).body
            #expect(history.contains("Lý do: Nhập thêm phiếu") && history.contains("— admin"))
            // The API's header token is not a form token's stand-in, and the reverse.
            #expect(try await s.post("/api/v1/campaigns/\(id)/status", form: "status=analysis&_csrf=\(token)", cookie: cookie).status == 403)
            // Sign-out is a form too.
            #expect(try await s.post("/sign-out", form: "", cookie: cookie).status == 403)
            let out = try await s.post("/sign-out", form: "_csrf=\(token)", cookie: cookie)
            #expect(out.status == 303)
            #expect(try await s.page("/", cookie: cookie).status == 303, "the session ended")
        }
    }

    @Test(arguments: TestEngine.available)
    func signInRefusalsAndReturnPaths(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let wrong = try await s.post("/sign-in", form: "username=admin&password=nope&next=%2Fcampaigns", cookie: nil)
            #expect(wrong.status == 401 && wrong.body.lowercased().contains("sai tên đăng nhập") && wrong.body.contains("value=\"admin\""))
            let right = try await s.post("/sign-in", form: "username=admin&password=\(DemoData.password)&next=%2Fcampaigns", cookie: nil)
            #expect(right.status == 303 && right.headers[.location] == "/campaigns")
            #expect(right.headers[.setCookie]?.contains("HttpOnly") == true && right.headers[.setCookie]?.contains("SameSite=Strict") == true)
            for next in ["https%3A%2F%2Fevil.example", "%2F%2Fevil.example", "%2F%5Cevil.example"] {
                let reply = try await s.post("/sign-in", form: "username=admin&password=\(DemoData.password)&next=\(next)", cookie: nil)
                #expect(reply.headers[.location] == "/", "never sent off the site: \(next)")
            }
            // A bearer token is not a browser session.
            let api = try await s.client.execute(uri: "/", method: .get, headers: [.authorization: "Bearer \(s.tokens[.systemAdmin]!)"]) { $0.status.code }
            #expect(api == 303)
        }
    }

    @Test(arguments: TestEngine.available)
    func everyUserSuppliedTextIsEscapedEverywhere(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let nasty = "<script>alert(\"x\")</script> & 'q'"
            let admin = try await s.platform.accounts.find(username: "admin")
            let yaml = """
                format: sipas-questionnaire/1
                id: escape-test
                version: 1
                title: "\(nasty.replacingOccurrences(of: "\"", with: "\\\""))"
                language: vi
                scales:
                  sat5: {codes: {1: "a", 2: "b", 3: "c", 4: "d", 5: "e"}, satisfied: [4, 5]}
                sections:
                  - code: S
                    title: "S"
                    items:
                      - {code: Q1, type: likert, scale: sat5, text: "Q1 \(nasty.replacingOccurrences(of: "\"", with: "\\\""))"}
                      - {code: Q2, type: likert, scale: sat5, text: "Q2"}
                      - {code: Q3, type: multi, text: "Q3 \(nasty.replacingOccurrences(of: "\"", with: "\\\""))", options: {1: "Một \(nasty.replacingOccurrences(of: "\"", with: "\\\""))", 2: "Hai"}}
                indices:
                  - code: IDX
                    title: "Chỉ số \(nasty.replacingOccurrences(of: "\"", with: "\\\""))"
                    rule: mean
                    children:
                      - {code: N1, title: "Nhóm \(nasty.replacingOccurrences(of: "\"", with: "\\\""))", rule: mean, children: [Q1, Q2]}
                """
            _ = try await s.platform.questionnaires.put(code: "escape-test", version: 1, text: yaml, by: admin)
            let commune = try #require(try await s.services.units.find(register: .legacy, level: .commune, code: "06280"))
            let agency = try await s.platform.unitRegister.addAgency(.init(code: "MC-1", name: "Bộ phận một cửa \(nasty)", kind: "one-stop"),
                                                                      under: commune.id, by: admin)
            let formula = "=HYPERLINK(\"http://evil.example\",\"bấm\")"
            let second = try await s.platform.unitRegister.addAgency(.init(code: "MC-2", name: formula, kind: "one-stop"), under: commune.id, by: admin)
            let campaign = try await s.platform.campaigns.create(.init(code: "ESC-1", year: 2025, title: "Kỳ \(nasty)", legalBasis: "Căn cứ \(nasty)",
                                                                       questionnaireCode: "escape-test", questionnaireVersion: 1,
                                                                       ownerUnitId: commune.id,
                                                                       units: [.init(unitId: agency.id, targetPercent: 90, targetText: "trên 90% \(nasty)"),
                                                                               .init(unitId: second.id)]),
                                                                 by: admin)
            for next in ["sampling", "fieldwork", "entry"] { _ = try await s.platform.campaigns.setStatus(campaign.id, to: next, reason: "kiểm thử", by: admin) }
            let csv = "response_id,unit,Q1,Q2,Q3\n" + (0..<80).map { "E\($0),\($0 < 40 ? "MC-1" : "MC-2"),\($0 % 5 + 1),\(($0 + 2) % 5 + 1),\($0 % 2 + 1);2" }.joined(separator: "\n") + "\n"
            _ = try await s.platform.responses.importCSV(.bytes(Array(csv.utf8)), campaign: campaign.id, by: admin)
            _ = try await s.platform.campaigns.setStatus(campaign.id, to: "analysis", reason: "kiểm thử", by: admin)
            _ = try await s.platform.publications.publish(campaign.id, by: admin)

            let cookie = try await s.signIn("admin")
            for page in ["/", "/campaigns", "/campaigns/\(campaign.id)", "/campaigns/\(campaign.id)/dashboard",
                         "/campaigns/\(campaign.id)/dashboard?unit=MC-1", "/campaigns/\(campaign.id)/ranking", "/campaigns/\(campaign.id)/received",
                         "/units/\(agency.id)", "/units/\(commune.id)", "/units?q=mot+cua&register=local", "/campaigns/\(campaign.id)/wishes",
                         "/campaigns/\(campaign.id)/wishes?unit=MC-1", "/campaigns/\(campaign.id)/map", "/questionnaires",
                         "/questionnaires/escape-test/1", "/questionnaires/escape-test/1/preview", "/questionnaires/escape-test/1/new-version",
                         "/campaigns/\(campaign.id)/report", "/public", "/public/ESC-1", "/public/ESC-1/method", "/public/ESC-1/units/MC-1",
                         "/public/ESC-1/units/MC-1/widget"] {
                let reply = try await s.page(page, cookie: cookie)
                #expect(reply.status == 200, "\(page)")
                #expect(!reply.body.contains("<script"), "\(page) shows a raw script tag")
                #expect(!reply.body.contains("\"x\")"), "\(page) shows a raw quote")
                #expect(reply.body.contains("&lt;script&gt;"), "\(page) does not show the text at all")
                #expect(!reply.body.contains("& 'q'"), "\(page) shows a raw ampersand or apostrophe")
            }
            let ranking = try await s.page("/campaigns/\(campaign.id)/ranking", cookie: cookie).body
            let svg = try #require(ranking.firstMatch(of: /<svg[\s\S]*?<\/svg>/)).0
            #expect(svg.contains("&lt;script&gt;") && !svg.contains("<script"), "the chart escapes its labels")
            let wishes = try await s.page("/campaigns/\(campaign.id)/wishes", cookie: cookie).body
            let wishChart = try #require(wishes.firstMatch(of: /<svg[\s\S]*?<\/svg>/)).0
            #expect(wishChart.contains("&lt;script&gt;") && !wishChart.contains("<script"), "the wishes chart escapes its labels")
            #expect(wishes.contains("50,00%") && wishes.contains("100,00%"), "Q3: option 1 chosen by half, option 2 by all")
            // The badge is SVG of the campaign's year only; the public unit page's SVG escapes too.
            #expect(try await s.page("/public/ESC-1/units/MC-1/badge.svg", cookie: nil).status == 200)
            // Spreadsheet outputs: a text that would run as a formula is neutralised in every cell.
            for path in ["/campaigns/\(campaign.id)/tables.csv", "/public/ESC-1/data/units.csv", "/public/ESC-1/data/campaign.csv"] {
                let text = try await s.page(path, cookie: path.hasPrefix("/public") ? nil : cookie).body
                #expect(!text.contains(",=HYPERLINK") && !text.contains(";=HYPERLINK") && !text.contains("\n=HYPERLINK") && !text.contains("\"=HYPERLINK"), "\(path) lets a formula through")
                if path.hasSuffix("units.csv") { #expect(text.contains("'=HYPERLINK"), "\(path) dropped the unit") }
            }
            let workbook = try await s.client.execute(uri: "/campaigns/\(campaign.id)/report.xlsx", method: .get, headers: [.cookie: cookie]) { Array(buffer: $0.body) }
            let cells = try SpreadsheetReader.cells(workbook)
            #expect(cells.contains("'" + formula) && !cells.contains(formula), "the workbook neutralises the formula")
            #expect(cells.contains("Kỳ \(nasty) — ") == false && cells.contains { $0.contains("<script>") }, "text is kept as text in the workbook")
        }
    }
}

/// An agency added under a commune through the unit's page: a refused code keeps what was typed
/// and changes nothing; viewers have no form and are refused.
@Suite struct WebAgencyTests {
    @Test(arguments: TestEngine.available)
    func addAnAgencyUnderACommune(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let commune = try #require(try await s.services.units.find(register: .legacy, level: .commune, code: "06280"))
            let cookie = try await s.signIn("snv.langson")
            let page = try await s.page("/units/\(commune.id)", cookie: cookie)
            #expect(page.body.contains("Thêm cơ quan"))
            let token = String(try #require(page.body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1))
            let before = try await s.state()
            let bad = try await s.post("/units/\(commune.id)/agencies", form: "_csrf=\(token)&code=m%E1%BB%99t+c%E1%BB%ADa&name=B%E1%BB%99+ph%E1%BA%ADn&kind=one-stop", cookie: cookie)
            #expect(bad.status == 422 && bad.body.contains("aria-invalid=\"true\"") && bad.body.contains("value=\"Bộ phận\""), "\(bad.status)")
            #expect(try await s.state() == before)
            let good = try await s.post("/units/\(commune.id)/agencies", form: "_csrf=\(token)&code=MC-DH&name=B%E1%BB%99+ph%E1%BA%ADn+m%E1%BB%99t+c%E1%BB%ADa&kind=one-stop", cookie: cookie)
            #expect(good.status == 303)
            #expect(try await s.page("/units/\(commune.id)", cookie: cookie).body.contains("Bộ phận một cửa</a> (MC-DH)"))
            let viewer = try await s.signIn("xa.diemhe")
            #expect(!(try await s.page("/units/\(commune.id)", cookie: viewer).body.contains("Thêm cơ quan")))
            #expect(try await s.post("/units/\(commune.id)/agencies", form: "_csrf=\(token)&code=MC-2&name=X", cookie: viewer).status == 403)
        }
    }
}

/// Questionnaires made in the browser: a refused document lists each problem with its key path
/// and line and stores nothing; a good one is stored; a new version starts from the latest.
@Suite struct WebQuestionnaireTests {
    @Test(arguments: TestEngine.available)
    func importAQuestionnaireThenMakeANewVersion(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let cookie = try await s.signIn("admin")
            let form = try await s.page("/questionnaires/import", cookie: cookie)
            let token = String(try #require(form.body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1))
            func document(_ scale: String) -> String {
                """
                format: sipas-questionnaire/1
                id: xa-thu-nghiem
                version: 1
                title: "Phiếu thử nghiệm của xã"
                language: vi
                scales:
                  sat5: {codes: {1: "a", 2: "b", 3: "c", 4: "d", 5: "e"}, satisfied: [4, 5]}
                sections:
                  - code: S
                    title: "Phần I"
                    items:
                      - {code: Q0, type: single, text: "Đã liên hệ?", options: {1: "Có", 2: "Không"}}
                      - {code: Q1, type: likert, scale: \(scale), text: "Hài lòng", relevant: "Q0 == 1"}
                indices:
                  - {code: IDX, title: "Chỉ số", rule: mean, children: [Q1]}
                """
            }
            let before = try await s.state()
            let bad = try await s.importQuestionnaire(document("khong-co"), token: token, cookie: cookie)
            #expect(bad.status == 422, "\(bad.body.prefix(300))")
            #expect(bad.body.contains("sections[0].items[1].scale") && bad.body.contains("dòng 13"), "the problem's key path and line")
            #expect(bad.body.contains("khong-co"), "the document is kept in the editor")
            #expect(try await s.state() == before, "a refused document stores nothing")
            let good = try await s.importQuestionnaire(document("sat5"), token: token, cookie: cookie)
            #expect(good.status == 303 && good.headers[.location] == "/questionnaires/xa-thu-nghiem/1?created=1", "\(good.status) \(good.body.prefix(300))")
            let view = try await s.page("/questionnaires/xa-thu-nghiem/1", cookie: cookie).body
            #expect(view.contains("Phiếu thử nghiệm của xã") && view.contains("Q0 == 1"))
            // The preview skips Q1 until Q0 is answered 1.
            #expect(try await s.page("/questionnaires/xa-thu-nghiem/1/preview", cookie: cookie).body.contains("Bỏ qua: câu này chỉ hỏi khi"))
            let answered = try await s.page("/questionnaires/xa-thu-nghiem/1/preview?a.Q0=1", cookie: cookie).body
            #expect(!answered.contains("Bỏ qua: câu này") && answered.contains("name=\"a.Q1\""))
            let draft = try await s.page("/questionnaires/xa-thu-nghiem/1/new-version", cookie: cookie).body
            #expect(draft.contains("version: 2"))
            let text = try #require(draft.firstMatch(of: /<textarea[^>]*>([\s\S]*?)<\/textarea>/)?.1)
            let unescaped = String(text).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
            let second = try await s.importQuestionnaire(unescaped, token: token, cookie: cookie)
            #expect(second.status == 303 && second.headers[.location] == "/questionnaires/xa-thu-nghiem/2?created=1", "\(second.body.prefix(300))")
            // A unit viewer may read questionnaires, never import one.
            let viewer = try await s.signIn("xa.diemhe")
            #expect(try await s.importQuestionnaire(document("sat5"), token: token, cookie: viewer).status == 403)
        }
    }
}

extension TestServer {
    struct Page: Sendable {
        let status: Int
        let body: String
        let headers: HTTPFields
    }

    /// Signs in through the web's form; the session cookie.
    func signIn(_ username: String) async throws -> String {
        let reply = try await post("/sign-in", form: "username=\(username)&password=\(DemoData.password)", cookie: nil)
        let cookie = try #require(reply.headers[.setCookie]?.split(separator: ";").first, "\(username): \(reply.status) \(reply.body.prefix(200))")
        return String(cookie)
    }

    func page(_ uri: String, cookie: String?) async throws -> Page {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = cookie }
        return try await client.execute(uri: uri, method: .get, headers: headers) {
            Page(status: Int($0.status.code), body: String(buffer: $0.body), headers: $0.headers)
        }
    }

    func post(_ uri: String, form: String, cookie: String?) async throws -> Page {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: form)) {
            Page(status: Int($0.status.code), body: String(buffer: $0.body), headers: $0.headers)
        }
    }
}

/// The administrator's screens: an account made, refused, locked and reset through forms, each
/// change in the audit log, whose verification the page shows.
@Suite struct WebAdministrationTests {
    @Test(arguments: TestEngine.available)
    func accountsAndTheAuditLog(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let cookie = try await s.signIn("admin")
            let page = try await s.page("/users", cookie: cookie)
            let token = String(try #require(page.body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1))
            let before = try await s.state()
            let refused = try await s.post("/users", form: "_csrf=\(token)&username=xa.moi&display_name=UBND&role=unit-viewer&scope_code=99999&password=mat-khau-moi-2026", cookie: cookie)
            #expect(refused.status == 422 && refused.body.contains("99999"), "\(refused.body.prefix(200))")
            #expect(try await s.state() == before)
            let made = try await s.post("/users", form: "_csrf=\(token)&username=xa.moi&display_name=UBND+x%C3%A3+m%E1%BB%9Bi&role=unit-viewer&scope_code=06280&scope_register=legacy&password=mat-khau-moi-2026", cookie: cookie)
            #expect(made.status == 303)
            let user = try #require(try await s.platform.accounts.find(username: "xa.moi"))
            #expect(user.role == .unitViewer && user.displayName == "UBND xã mới")
            #expect(try await s.post("/users/\(user.id)/disabled", form: "_csrf=\(token)&disabled=true", cookie: cookie).status == 303)
            #expect(try await s.platform.accounts.find(username: "xa.moi")?.disabled == true)
            #expect(try await s.post("/users/\(user.id)/password", form: "_csrf=\(token)&password=short", cookie: cookie).status == 422)
            #expect(try await s.post("/users/\(user.id)/password", form: "_csrf=\(token)&password=mat-khau-khac-2026", cookie: cookie).status == 303)
            let audit = try await s.page("/audit?verify=1&entity=user", cookie: cookie)
            #expect(audit.status == 200 && audit.body.contains("Toàn vẹn"))
            for action in ["user.create", "user.disable", "user.password"] { #expect(audit.body.contains(action), "\(action)") }
            #expect(!audit.body.contains("mat-khau"), "no password on the page")
        }
    }
}

/// Running a campaign in the browser: creation with units picked from the register, a refused
/// upload that stores nothing, then a good one.
@Suite struct WebCampaignJourneyTests {
    @Test(arguments: TestEngine.available)
    func createACampaignThenUploadABadAndAGoodFile(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let cookie = try await s.signIn("snv.langson")
            let form = try await s.page("/campaigns/new", cookie: cookie)
            #expect(form.status == 200)
            let token = String(try #require(form.body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1))
            let district = try #require(try await s.services.units.find(register: .legacy, level: .district, code: "184"))
            #expect(form.body.contains("value=\"\(district.id)\""), "Văn Quan is offered as the owner and as the units' source")
            func fields(_ code: String, targets: String) -> String {
                ["_csrf=\(token)", "code=\(code)", "year=2025", "title=%C4%90o+l%C6%B0%E1%BB%9Dng+2026", "questionnaire=sipas-2017%401",
                 "owner=\(district.id)", "units_of=\(district.id)", "target_percent=92%2C7", "target_comparator=%3E", "targets=\(targets)",
                 "disclosure_min_n=30", "fieldwork_start=2026-11-01", "fieldwork_end=2026-11-30"].joined(separator: "&")
            }
            let before = try await s.state()
            let refused = try await s.post("/campaigns/new", form: fields("LSN VQ", targets: ""), cookie: cookie)
            #expect(refused.status == 422 && refused.body.contains("id=\"code-error\""), "the message is beside the code field")
            let badTarget = try await s.post("/campaigns/new", form: fields("LSN-TEST-2026", targets: "99999+tren+93"), cookie: cookie)
            #expect(badTarget.status == 422 && badTarget.body.contains("id=\"targets-error\""))
            #expect(try await s.state() == before, "refused forms change nothing")
            let created = try await s.post("/campaigns/new", form: fields("LSN-TEST-2026", targets: "06280+%C4%91%E1%BA%A1t+95"), cookie: cookie)
            #expect(created.status == 303, "\(created.body.prefix(300))")
            let location = try #require(created.headers[.location])
            let match = try #require(location.firstMatch(of: /\/campaigns\/(\d+)/))
            let id = try #require(Int(String(match.1)))
            let detail = try await s.platform.campaigns.detail(id, by: try await s.platform.accounts.find(username: "snv.langson"))
            #expect(detail.units.count == 15)
            let diemHe = try #require(detail.units.first { $0.unit.code == "06280" })
            #expect(diemHe.target.target == Target(percent: 95, comparator: .atLeast) && diemHe.target.targetText == "đạt 95%")
            #expect(detail.units.first { $0.unit.code != "06280" }?.target.target == Target(percent: 92.7, comparator: .above))

            // Responses are taken during fieldwork.
            for from in ["draft", "sampling"] {
                #expect(try await s.post("/campaigns/\(id)/status", form: "_csrf=\(token)&from=\(from)", cookie: cookie).status == 303)
            }
            let bad = "response_id,unit,A1\nW1,06280,4\nW2,99999,4\nW3,06280,8\n"
            let refusedUpload = try await s.upload("/campaigns/\(id)/upload", file: bad, token: token, cookie: cookie)
            #expect(refusedUpload.status == 422, "\(refusedUpload.body.prefix(300))")
            #expect(refusedUpload.body.contains("không phiếu nào được lưu") && refusedUpload.body.contains("dòng 3") && refusedUpload.body.contains("dòng 4"))
            #expect(try await s.platform.campaigns.detail(id, by: try await s.platform.accounts.find(username: "admin")).responses == 0)
            let good = "response_id,unit,A1\nW1,06280,4\nW2,06283,5\n"
            let stored = try await s.upload("/campaigns/\(id)/upload", file: good, token: token, cookie: cookie)
            #expect(stored.status == 200 && stored.body.contains("2 phiếu mới"), "\(stored.body.prefix(300))")
            let again = try await s.upload("/campaigns/\(id)/upload", file: good, token: token, cookie: cookie)
            #expect(again.body.contains("0 phiếu mới") && again.body.contains("2 phiếu đã có"))
            // Without the form's token nothing is read.
            #expect(try await s.upload("/campaigns/\(id)/upload", file: good, token: "forged", cookie: cookie).status == 403)
            // Focal points: a refused phone number is shown beside its unit's form, then a good one is kept.
            let diemHeId = diemHe.unit.id
            let badPhone = try await s.post("/campaigns/\(id)/focal-points/\(diemHeId)", form: "_csrf=\(token)&name=Nguy%E1%BB%85n+V%C4%83n+A&position=C%C3%B4ng+ch%E1%BB%A9c&phone=abc&email=a%40b.vn", cookie: cookie)
            #expect(badPhone.status == 422 && badPhone.body.contains("class=\"field-error\""), "\(badPhone.body.prefix(300))")
            let saved = try await s.post("/campaigns/\(id)/focal-points/\(diemHeId)", form: "_csrf=\(token)&name=Nguy%E1%BB%85n+V%C4%83n+A&position=C%C3%B4ng+ch%E1%BB%A9c&phone=0205+3830+123&email=a%40b.vn", cookie: cookie)
            #expect(saved.status == 303)
            let points = try await s.page("/campaigns/\(id)/focal-points", cookie: cookie)
            #expect(points.status == 200 && points.body.contains("Nguyễn Văn A") && points.body.contains("0205 3830 123"))
            // A unit viewer may not upload, nor see the focal points.
            let viewer = try await s.signIn("xa.diemhe")
            #expect(try await s.page("/campaigns/\(id)/upload", cookie: viewer).status == 403)
            #expect(try await s.page("/campaigns/\(id)/focal-points", cookie: viewer).status == 403)
        }
    }
}

extension TestServer {
    func importQuestionnaire(_ document: String, token: String, cookie: String) async throws -> Page {
        let boundary = "----sipas\(UUID().uuidString)"
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(token)\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"document\"\r\n\r\n\(document)\r\n"
            + "--\(boundary)--\r\n"
        let headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)", .cookie: cookie]
        return try await client.execute(uri: "/questionnaires/import", method: .post, headers: headers, body: ByteBuffer(string: body)) {
            Page(status: Int($0.status.code), body: String(buffer: $0.body), headers: $0.headers)
        }
    }

    func upload(_ uri: String, file: String, token: String, cookie: String) async throws -> Page {
        let boundary = "----sipas\(UUID().uuidString)"
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(token)\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"channel\"\r\n\r\npaper\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"phieu.csv\"\r\nContent-Type: text/csv\r\n\r\n\(file)\r\n"
            + "--\(boundary)--\r\n"
        let headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)", .cookie: cookie]
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
            Page(status: Int($0.status.code), body: String(buffer: $0.body), headers: $0.headers)
        }
    }
}
