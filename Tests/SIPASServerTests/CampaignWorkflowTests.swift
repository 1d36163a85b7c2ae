import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SIPASApp
import SIPASCore
import SIPASStore
import Testing

/// A campaign as a Department of Home Affairs runs it: on the units that exist in its year, a
/// draft edited and deleted while nothing depends on it, steps back only with a reason, a
/// template that the import accepts, a report signed as the campaign says.
@Suite struct CampaignWorkflowTests {
    static func campaignJSON(code: String, year: Int, owner: Int, units: [Int], extra: String = "") -> String {
        let list = units.map { "{\"unit_id\": \($0)}" }.joined(separator: ", ")
        return "{\"code\": \"\(code)\", \"year\": \(year), \"title\": \"Đo lường \(year)\", \"questionnaire_code\": \"sipas-2023\", "
            + "\"questionnaire_version\": 1, \"owner_unit_id\": \(owner), \"units\": [\(list)]\(extra)}"
    }

    @Test(arguments: TestEngine.available)
    func aCampaignMeasuresUnitsThatExistInItsYear(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let province = try #require(try await s.services.units.find(register: .reform2025, level: .province, code: "20"))
            let legacyProvince = try #require(try await s.services.units.find(register: .legacy, level: .province, code: "20"))
            let diemHe = try #require(try await s.services.units.find(register: .legacy, level: .commune, code: "06280"))
            let before = try await s.state()
            let refused = try await s.call(.post, "/api/v1/campaigns", as: .provinceAdmin,
                                           json: Self.campaignJSON(code: "OLD-2026", year: 2026, owner: legacyProvince.id, units: [diemHe.id]))
            #expect(refused.status == 422 && refused.object["field"] as? String == "/units/0/unit_id")
            let detail = refused.object["detail"] as? String ?? ""
            #expect(detail.contains("Xã Điềm He (mã 06280) đã thôi tồn tại từ 01/07/2025") && detail.contains("đơn vị kế thừa: Xã Điềm He"), "\(detail)")
            // A 2023 campaign cannot measure a commune that exists only from 01/07/2025 either.
            let successor = try #require(try await s.services.units.find(register: .reform2025, level: .commune, code: "06280"))
            let early = try await s.call(.post, "/api/v1/campaigns", as: .provinceAdmin,
                                         json: Self.campaignJSON(code: "NEW-2023", year: 2023, owner: province.id, units: [successor.id]))
            #expect(early.status == 422 && (early.object["detail"] as? String ?? "").contains("chỉ có từ 01/07/2025"))
            #expect(try await s.state() == before, "refusals change nothing")
            // Every problem of a plan at once, each beside its field, summed up at the top.
            let cookie = try await s.signIn("snv.langson")
            let form = try await s.page("/campaigns/new", cookie: cookie)
            let token = String(try #require(form.body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1))
            let beforeForm = try await s.state()
            let fields = ["_csrf=\(token)", "code=LSN+VQ", "year=2026", "title=", "questionnaire=sipas-2023%401", "owner=\(legacyProvince.id)",
                          "units_mode=all", "units_of=\(legacyProvince.id)", "disclosure_min_n=5", "signer_capacity=TM."]
            let many = try await s.post("/campaigns/new", form: fields.joined(separator: "&"), cookie: cookie)
            for id in ["code-error", "title-error", "min-n-error", "units-error"] { #expect(many.body.contains("id=\"\(id)\""), "\(id)") }
            #expect(many.status == 422 && many.body.contains("có 4 mục cần sửa"))
            #expect(try await s.state() == beforeForm, "a refused form changes nothing")
            // The 2025 successors of the former Văn Quan district: what the form offers in one choice.
            let admin = try await s.platform.accounts.find(username: "snv.langson")
            let district = try #require(try await s.services.units.find(register: .legacy, level: .district, code: "184"))
            let successors = try await s.platform.unitRegister.successorCommunes(ofFormer: district.id, by: admin)
            #expect(!successors.isEmpty && successors.allSatisfy { $0.register == .reform2025 && $0.level == .commune })
            #expect(successors.contains { $0.code == "06280" })
            let made = try await s.call(.post, "/api/v1/campaigns", as: .provinceAdmin,
                                        json: Self.campaignJSON(code: "LSN-TEST-2026", year: 2026, owner: province.id, units: successors.map(\.id)))
            #expect(made.status == 201, "\(made.body)")
        }
    }

    @Test(arguments: TestEngine.available)
    func aDraftIsEditedAndDeletedWhileNothingDependsOnIt(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let province = try #require(try await s.services.units.find(register: .reform2025, level: .province, code: "20"))
            let communes = try await s.platform.unitRegister.search(.init(level: "commune", within: province.id),
                                                                    by: try await s.platform.accounts.find(username: "admin"), limit: 10, offset: 0)
            let made = try await s.call(.post, "/api/v1/campaigns", as: .provinceAdmin,
                                        json: Self.campaignJSON(code: "DRAFT-1", year: 2026, owner: province.id, units: communes.prefix(3).map(\.id)))
            let id = try #require(made.object["id"] as? Int)
            let edit = Self.campaignJSON(code: "DRAFT-1", year: 2026, owner: province.id, units: communes.suffix(5).map(\.id),
                                         extra: ", \"signer_capacity\": \"KT.\", \"signer_title\": \"Phó Giám đốc\", \"issuer\": \"Sở Nội vụ tỉnh Lạng Sơn\"")
            #expect(try await s.call(.put, "/api/v1/campaigns/\(id)", as: .unitViewer, json: edit).status == 403)
            let edited = try await s.call(.put, "/api/v1/campaigns/\(id)", as: .provinceAdmin, json: edit)
            #expect(edited.status == 200, "\(edited.body)")
            let detail = try await s.call(.get, "/api/v1/campaigns/\(id)", as: .provinceAdmin)
            #expect((detail.object["units"] as? [Any])?.count == 5)
            let signature = (detail.object["campaign"] as? [String: Any])?["signature"] as? [String: Any]
            #expect(signature?["capacity"] as? String == "KT." && signature?["issuer"] as? String == "Sở Nội vụ tỉnh Lạng Sơn")
            // Once it moves on, or for a campaign with responses, its plan is fixed.
            let demo = s.campaign.id
            let before = try await s.state()
            #expect(try await s.call(.put, "/api/v1/campaigns/\(demo)", as: .provinceAdmin, json: edit.replacingOccurrences(of: "DRAFT-1", with: "X-1")).status == 409)
            #expect(try await s.call(.delete, "/api/v1/campaigns/\(demo)", as: .provinceAdmin).status == 409)
            #expect(try await s.state() == before)
            #expect(try await s.call(.delete, "/api/v1/campaigns/\(id)", as: .unitViewer).status == 403)
            #expect(try await s.call(.delete, "/api/v1/campaigns/\(id)", as: .provinceAdmin).status == 204)
            #expect(try await s.call(.get, "/api/v1/campaigns/\(id)", as: .provinceAdmin).status == 404)
            // Edits and the deletion are in the chain: verification still holds, and names nothing.
            let verification = try await s.services.audit.verify()
            #expect(verification.intact, "\(verification.problems)")
            let actions = try await s.services.audit.list(limit: 50, offset: 0, filter: .init(entity: "campaign")).filter { $0.entityId == String(id) }.map(\.action)
            #expect(Set(actions) == ["campaign.create", "campaign.update", "campaign.delete"], "\(actions)")
        }
    }

    @Test(arguments: TestEngine.available)
    func steppingBackNeedsAReasonKeptInTheHistory(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let id = s.campaign.id
            let before = try await s.state()
            let unexplained = try await s.call(.post, "/api/v1/campaigns/\(id)/status", as: .provinceAdmin, json: "{\"status\": \"entry\"}")
            #expect(unexplained.status == 422 && unexplained.object["field"] as? String == "/reason")
            let blank = try await s.call(.post, "/api/v1/campaigns/\(id)/status", as: .provinceAdmin, json: "{\"status\": \"entry\", \"reason\": \"   \"}")
            #expect(blank.status == 422)
            #expect(try await s.state() == before)
            let moved = try await s.call(.post, "/api/v1/campaigns/\(id)/status", as: .provinceAdmin,
                                         json: "{\"status\": \"entry\", \"reason\": \"Bưu điện nộp thêm 20 phiếu\"}")
            #expect(moved.status == 200)
            let history = try #require(try await s.call(.get, "/api/v1/campaigns/\(id)", as: .provinceAdmin).object["history"] as? [[String: Any]])
            #expect(history.last?["reason"] as? String == "Bưu điện nộp thêm 20 phiếu" && history.last?["username"] as? String == "snv.langson")
            // Forward needs no reason.
            #expect(try await s.call(.post, "/api/v1/campaigns/\(id)/status", as: .provinceAdmin, json: "{\"status\": \"analysis\"}").status == 200)
            // Other roles get no edit form and no step, not even the redirect to the preview.
            let viewer = try await s.signIn("xa.diemhe")
            let viewerToken = String(try #require(try await s.page("/", cookie: viewer).body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1))
            #expect(try await s.page("/campaigns/\(id)/edit", cookie: viewer).status == 403)
            #expect(try await s.post("/campaigns/\(id)/status", form: "_csrf=\(viewerToken)&from=analysis", cookie: viewer).status == 403)
            #expect(try await s.page("/campaigns/\(id)/publish", cookie: viewer).status == 403)
            // The history on the campaign's page is in Vietnam's time, with who acted.
            let cookie = try await s.signIn("snv.langson")
            let page = try await s.page("/campaigns/\(id)", cookie: cookie).body
            #expect(page.contains("Giờ Việt Nam (GMT+7)") && page.contains("— snv.langson") && !page.contains("(UTC)"))
        }
    }

    @Test(arguments: TestEngine.available)
    func theTemplateIsWhatTheImportAccepts(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let id = s.campaign.id
            #expect(try await s.call(.post, "/api/v1/campaigns/\(id)/status", as: .provinceAdmin, json: "{\"status\": \"entry\", \"reason\": \"nhập thêm\"}").status == 200)
            let cookie = try await s.signIn("snv.langson")
            let csv = try await s.page("/campaigns/\(id)/template.csv", cookie: cookie)
            #expect(csv.status == 200 && csv.headers[.contentDisposition]?.contains("LSN-VQ-2023-mau-phieu.csv") == true)
            let lines = csv.body.replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("response_id,unit,") == true && lines.count == 2)
            // The example row, as it is, is a response the import takes.
            let imported = try await s.call(.post, "/api/v1/campaigns/\(id)/responses/import", as: .provinceAdmin, body: csv.body, contentType: "text/csv")
            #expect(imported.status == 200 && imported.object["added"] as? Int == 1, "\(imported.body.prefix(300))")
            // The workbook explains each column by its Excel letter and lists the units the `unit` column takes.
            let xlsx = try await s.client.execute(uri: "/campaigns/\(id)/template.xlsx", method: .get, headers: [.cookie: cookie]) { Array(buffer: $0.body) }
            let cells = try SpreadsheetReader.cells(xlsx)
            #expect(cells.contains("Cột") && cells.contains("Giá trị nhận") && cells.contains("Xã Điềm He") && cells.contains("06280"))
            #expect(cells.contains { $0.contains("5 = Rất hài lòng") }, "allowed codes with their labels")
            // A refused upload names the column by its letter, with no internal scale id.
            let page = try await s.page("/campaigns/\(id)/upload", cookie: cookie)
            let token = String(try #require(page.body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1))
            #expect(page.body.contains("template.xlsx") && page.body.contains("mã đơn vị"))
            let header = String(lines[0])
            var fields = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[0] = "VD-0002"
            fields[2] = "9"
            let bad = header + "\n" + fields.joined(separator: ",") + "\n"
            let refused = try await s.upload("/campaigns/\(id)/upload", file: bad, token: token, cookie: cookie)
            #expect(refused.status == 422 && refused.body.contains("cột C (3)") && !refused.body.contains("satisfaction5"), "\(refused.body.prefix(2000))")
            // The workbook itself, or Excel's Vietnamese ";" CSV, is one clear message each.
            let workbook = try await s.upload("/campaigns/\(id)/upload", file: "PK\u{3}\u{4}\u{14}\u{0}\u{6}\u{0}binary\u{0}\u{0}", token: token, cookie: cookie)
            #expect(workbook.status == 422 && workbook.body.contains("bảng tính Excel (XLSX), không phải CSV") && !workbook.body.contains("NUL"))
            let semicolons = try await s.upload("/campaigns/\(id)/upload", file: header.replacingOccurrences(of: ",", with: ";") + "\n", token: token, cookie: cookie)
            #expect(semicolons.status == 422 && semicolons.body.contains("dấu chấm phẩy (;)"))
            // After an import: counts per unit, units under the floor flagged, the way to progress.
            let good = header + "\n" + String(lines[1]).replacingOccurrences(of: "VD-0001", with: "VD-0003") + "\n"
            let stored = try await s.upload("/campaigns/\(id)/upload", file: good, token: token, cookie: cookie)
            #expect(stored.status == 200 && stored.body.contains("/received") && stored.body.contains("Số phiếu của kỳ theo đơn vị"))
        }
    }

    @Test(arguments: TestEngine.available)
    func theReportIsIssuedAndSignedAsTheCampaignSays(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let later = try #require(try await s.services.db.withConnection { try await s.services.campaigns.find(code: "LSN-VQ-2025", on: $0) })
            let signature = "{\"issuer\": \"Sở Nội vụ tỉnh Lạng Sơn\", \"signer_capacity\": \"KT.\", \"signer_title\": \"Phó Giám đốc\", \"signer_name\": \"Nguyễn Văn An\"}"
            #expect(try await s.call(.put, "/api/v1/campaigns/\(later.id)/signature", as: .ministryAnalyst, json: signature).status == 403)
            let unknown = try await s.call(.put, "/api/v1/campaigns/\(later.id)/signature", as: .provinceAdmin, json: "{\"signer_capacity\": \"AAA\"}")
            #expect(unknown.status == 422 && unknown.object["field"] as? String == "/signature/signer_capacity")
            #expect(try await s.call(.put, "/api/v1/campaigns/\(later.id)/signature", as: .provinceAdmin, json: signature).status == 200)
            let cookie = try await s.signIn("snv.langson")
            let report = try await s.page("/campaigns/\(later.id)/report", cookie: cookie).body
            for text in ["ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", "SỞ NỘI VỤ", "/BC-SNV", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An",
                         "Sở Nội vụ tỉnh Lạng Sơn báo cáo", "So sánh với kỳ trước", "Tiêu chí nên ưu tiên cải thiện"] {
                #expect(report.contains(text), "\(text)")
            }
            #expect(!report.contains("OVERALL.") && !report.contains("NEEDS."), "question codes are not headings")
            // The workbook's ranking gives each unit's target.
            let xlsx = try await s.client.execute(uri: "/campaigns/\(later.id)/report.xlsx", method: .get, headers: [.cookie: cookie]) { Array(buffer: $0.body) }
            let cells = try SpreadsheetReader.cells(xlsx)
            #expect(cells.contains { $0.hasPrefix("trên ") || $0.hasPrefix("đạt ") }, "the ranking's target column is filled")
            // The CSV for Excel set to Vietnamese: ";" between fields, decimal commas.
            let tables = try await s.page("/campaigns/\(later.id)/tables.csv", cookie: cookie).body
            let row = try #require(tables.split(separator: "\r\n").dropFirst().first)
            #expect(row.contains(";") && row.range(of: #";\d+,\d+;"#, options: .regularExpression) != nil, "\(row)")
        }
    }
}
